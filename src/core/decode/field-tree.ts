// The packet-details tree: one node per header field, named as Wireshark names them
// ("ip.ttl"), with its byte range for hex-dump highlighting and the matcher's field diff.

export interface FieldNode {
  /** Wireshark-style field name ("ip.ttl"), or the protocol name for a layer node ("ip"). */
  name: string;
  /** What the details pane shows: "Time to Live: 64". */
  label: string;
  /** The field's value (numbers as numbers, addresses as text); absent on layer nodes. */
  value?: string | number;
  /** Byte range in the captured frame. */
  offset: number;
  length: number;
  children?: FieldNode[];
}

/** Builds the tree of one packet; layer dissectors add to it front to back. */
export class Dissection {
  readonly roots: FieldNode[] = [];
  readonly dv: DataView;
  readonly base = 0;
  tunnelDepth = 0;
  /** Pseudo-header address sum of the innermost IP header so far (see payload.ts). */
  addrSum = 0;
  /** Where the innermost IP payload ends on the wire (may be past the captured bytes). */
  l3End = 0;

  constructor(readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** Adds a protocol layer covering b[offset..offset+length). */
  layer(name: string, label: string, offset: number, length: number): FieldNode {
    const node: FieldNode = { name, label, offset, length: Math.max(0, Math.min(length, this.b.length - offset)), children: [] };
    this.roots.push(node);
    return node;
  }

  field(parent: FieldNode, name: string, label: string, value: string | number, offset: number, length: number): FieldNode {
    const node: FieldNode = { name, label, value, offset, length };
    (parent.children ??= []).push(node);
    return node;
  }

  /** Adds an unsigned big-endian field of 1, 2 or 4 bytes labelled "title: value" and returns the value. */
  uint(parent: FieldNode, name: string, title: string, offset: number, size: 1 | 2 | 4, show: (v: number) => string = String): number {
    if (offset + size > this.b.length) {
      this.field(parent, "_ws.malformed", `${title}: [cut off by the capture]`, "", offset, Math.max(0, this.b.length - offset));
      return 0;
    }
    const v = size === 1 ? this.b[offset] : size === 2 ? this.dv.getUint16(offset) : this.dv.getUint32(offset);
    this.field(parent, name, `${title}: ${show(v)}`, v, offset, size);
    return v;
  }

  /** Marks the rest of a layer as missing from the capture. */
  cut(parent: FieldNode, what: string, offset: number): void {
    this.field(parent, "_ws.malformed", `[${what}: cut off by the capture]`, "", offset, Math.max(0, this.b.length - offset));
  }

  /** The bytes no dissector claimed (application data). */
  data(offset: number, end: number): void {
    if (end > offset) {
      const node = this.layer("data", `Data (${end - offset} bytes)`, offset, end - offset);
      this.field(node, "data.len", `Length: ${end - offset}`, end - offset, offset, end - offset);
    }
  }
}

export const hex = (width: number) => (v: number) => `0x${v.toString(16).padStart(width, "0")}`;

export function macText(b: Uint8Array, off: number): string {
  return Array.from(b.subarray(off, off + 6), (x) => x.toString(16).padStart(2, "0")).join(":");
}

/** Dissects the header at b[off..end) and hands what follows to the next dissector. */
export type LayerDissector = (d: Dissection, off: number, end: number) => void;
