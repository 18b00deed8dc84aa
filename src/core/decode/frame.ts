// The decoder's working state for the packet being decoded: its bytes, the row it fills in
// the builder's current column chunk, and what lower layers hand to upper ones. One Frame
// is reused for every packet, so decoding allocates nothing per packet.

import type { OptionalColumns, PacketColumns, SparseFacts } from "../model/packet-table";
import { Checksum, L3, PacketFlag } from "../model/packet-table";
import { allocateOptional, OPTIONAL_COLUMN_NAMES, OPTIONAL_COLUMN_TYPES } from "../model/column-spec";
import { AddressInterner } from "./addresses";

/** Tunnels inside tunnels are followed this deep; deeper nesting is left undecoded. */
const MAX_TUNNEL_DEPTH = 4;

/** Optional columns of a fresh chunk: every key present, so the object keeps one shape (fast property loads). */
export function noOptionalColumns(): OptionalColumns {
  return { tcpMss: undefined, tcpWindowScale: undefined, tcpOptionKinds: undefined, vlan: undefined, mplsLabel: undefined };
}

export class Frame {
  /** The packet's captured bytes, from `start` on (only valid while it is being decoded). */
  b: Uint8Array = new Uint8Array(0);
  /** Where the packet starts in b: offsets kept in columns or shown in messages count from there. */
  start = 0;
  /** A view on b's whole buffer: read at `base + offset`. */
  dv: DataView = new DataView(new ArrayBuffer(0));
  base = 0;
  /** Current chunk's columns and the row in it. */
  c: PacketColumns;
  o: OptionalColumns = noOptionalColumns();
  /** Optional columns of earlier chunks, refilled with their "absent" value, for later chunks to reuse. */
  private spare: OptionalColumns = noOptionalColumns();
  r = 0;
  /** Row index in the whole table (key of sparse facts). */
  row = 0;
  /** Wire end (offset in b) of the current IP payload, from the IP length fields. */
  l3End = 0;
  /** Bytes of the frame on the wire that were not captured (original minus captured length). */
  uncaptured = 0;
  /** One's-complement sum of the pseudo-header addresses, as little-endian 16-bit words. */
  addrSum = 0;
  tunnelDepth = 0;
  private lastTunnel = { kind: "", id: 0, src: 0, dst: 0, text: "" };

  constructor(
    chunk: PacketColumns,
    readonly addresses: AddressInterner,
    readonly sparse: SparseFacts,
  ) {
    this.c = chunk;
  }

  /** The buffer `dv` views: compared with the next packet's (DataView's buffer getter is a slow call). */
  private dvBuffer: ArrayBufferLike = this.dv.buffer;

  /** Points the frame at a packet starting at bytes[start], without allocating a view for each packet. */
  load(bytes: Uint8Array, start: number, uncaptured: number): void {
    this.uncaptured = uncaptured;
    this.start = start;
    // Consecutive packets usually share the reader's window.
    if (this.b !== bytes) {
      this.b = bytes;
      const buffer = bytes.buffer;
      if (this.dvBuffer !== buffer) {
        this.dv = new DataView(buffer);
        this.dvBuffer = buffer;
      }
      this.base = bytes.byteOffset;
    }
    this.tunnelDepth = 0;
  }

  /** Drops the last packet's bytes and the builder's last chunk once the table is finished. */
  release(empty: PacketColumns): void {
    this.b = new Uint8Array(0);
    this.dv = new DataView(this.b.buffer);
    this.dvBuffer = this.b.buffer;
    this.c = empty;
    this.o = noOptionalColumns();
    this.spare = noOptionalColumns();
  }

  u16(off: number): number {
    return this.dv.getUint16(this.base + off);
  }
  u32(off: number): number {
    return this.dv.getUint32(this.base + off);
  }

  /** Gives the current chunk an optional column (filled with its "absent" value): callers use `f.o.x ?? f.optional("x")`. */
  optional<K extends keyof OptionalColumns>(name: K): NonNullable<OptionalColumns[K]> {
    const rows = this.c.tsSec.length;
    const spare = this.spare[name];
    const column = (spare !== undefined && spare.length === rows ? spare : allocateOptional(name, rows)) as NonNullable<OptionalColumns[K]>;
    this.o[name] = column;
    return column;
  }

  /** Moves on to the next chunk's (cleared) columns; the optional columns used so far are kept for it. */
  startChunk(c: PacketColumns): void {
    for (const name of OPTIONAL_COLUMN_NAMES) {
      const column = this.o[name];
      if (column === undefined) continue;
      column.fill(OPTIONAL_COLUMN_TYPES[name].absent);
      (this.spare as Record<string, unknown>)[name] = column;
    }
    this.o = noOptionalColumns();
    this.c = c;
    this.r = 0;
  }

  /**
   * End of an IP payload whose header says it ends at `claimed`: an end beyond the frame as it
   * was on the wire is a bogus length, so the frame's end is used (as Wireshark does).
   */
  ipEnd(claimed: number, end: number): number {
    const frameEnd = end + this.uncaptured;
    if (claimed <= frameEnd) return claimed;
    this.note(`IP length runs ${claimed - frameEnd} bytes past the frame`);
    return frameEnd;
  }

  /** Keeps the first problem's description without flagging the row. */
  note(what: string): void {
    if (!this.sparse.problems.has(this.row)) this.sparse.problems.set(this.row, what);
  }

  /** Marks the row TRUNCATED and keeps the first problem's description. */
  truncated(what: string): void {
    this.problem(PacketFlag.TRUNCATED, what);
  }
  malformed(what: string): void {
    this.problem(PacketFlag.MALFORMED, what);
  }
  private problem(flag: number, what: string): void {
    this.c.flags[this.r] |= flag;
    this.note(what);
  }

  setIpChecksum(state: number): void {
    this.c.checksums[this.r] = (this.c.checksums[this.r] & ~3) | state;
  }
  setL4Checksum(state: number): void {
    this.c.checksums[this.r] = (this.c.checksums[this.r] & ~12) | (state << 2);
  }

  /**
   * Starts decoding a tunnel's inner packet: the outer headers are summarised into
   * sparse.tunnel and the row's network/transport columns are cleared for the inner packet.
   * `kind` and `id` name it ("VXLAN VNI", 123; id -1 for none). Returns false when tunnels
   * are nested too deep to follow.
   */
  enterTunnel(kind: string, id: number): boolean {
    if (this.tunnelDepth >= MAX_TUNNEL_DEPTH) return false;
    this.tunnelDepth++;
    const { c, r } = this;
    // Consecutive packets of one tunnel share one summary string.
    const last = this.lastTunnel;
    if (last.kind !== kind || last.id !== id || last.src !== c.src[r] || last.dst !== c.dst[r] || !last.text) {
      const text = this.addresses.table.text;
      const label = id >= 0 ? `${kind} ${id}` : kind;
      last.kind = kind;
      last.id = id;
      last.src = c.src[r];
      last.dst = c.dst[r];
      last.text = c.src[r] ? `${label}, ${text[c.src[r]]} → ${text[c.dst[r]]}` : label;
    }
    const outer = this.sparse.tunnel.get(this.row);
    this.sparse.tunnel.set(this.row, outer === undefined ? last.text : `${outer} / ${last.text}`);
    c.flags[r] = (c.flags[r] & PacketFlag.HAS_META) | PacketFlag.TUNNELED;
    c.l3[r] = L3.NONE;
    c.src[r] = c.dst[r] = 0;
    c.ipId[r] = c.ttl[r] = c.tos[r] = c.ipLength[r] = c.fragment[r] = c.protocol[r] = 0;
    c.srcPort[r] = c.dstPort[r] = c.seq[r] = c.ack[r] = c.tcpFlags[r] = c.window[r] = 0;
    c.tsVal[r] = c.tsEcr[r] = c.payloadOffset[r] = c.payloadLength[r] = c.payloadHash[r] = 0;
    c.checksums[r] = Checksum.UNVERIFIED;
    const o = this.o;
    if (o.tcpMss) o.tcpMss[r] = 0;
    if (o.tcpWindowScale) o.tcpWindowScale[r] = 255;
    if (o.tcpOptionKinds) o.tcpOptionKinds[r] = 0;
    if (o.vlan) o.vlan[r] = 0xffffffff;
    if (o.mplsLabel) o.mplsLabel[r] = 0;
    return true;
  }
}
