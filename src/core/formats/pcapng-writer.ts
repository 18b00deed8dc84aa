// Writes pcapng (SHB + IDB + EPB, with packet comments and epb_flags): used by the exporters
// and by test fixture builders. Spec: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html

export interface PcapngInterface {
  linkType: number;
  snaplen?: number;
  name?: string;
  description?: string;
  /** if_tsresol byte: 10^-n for n < 128, 2^-(n & 127) with the high bit set. Default 9 (ns). */
  tsresol?: number;
  /** if_tsoffset seconds, added by readers to every timestamp of the interface. */
  tsoffset?: number;
  /** if_fcslen: FCS bytes at the end of each frame. */
  fcsLength?: number;
}

export interface PcapngWritePacket {
  interfaceId?: number;
  tsSec: number;
  /** Nanoseconds within the second; truncated to the interface's resolution. */
  tsNsec: number;
  data: Uint8Array;
  /** Defaults to data.length. */
  originalLength?: number;
  comments?: string[];
  epbFlags?: number;
}

export interface PcapngWriteOptions {
  /** One interface of this link type, or `interfaces` for several. */
  linkType?: number;
  interfaces?: PcapngInterface[];
  bigEndian?: boolean;
  sectionComment?: string;
}

const utf8 = new TextEncoder();

/** An option list: [code, value bytes] pairs, ended by opt_endofopt. */
export type PcapngOption = [code: number, value: Uint8Array];

/** Assembles pcapng blocks in one byte order; the fixture generator also writes raw blocks with it. */
export class PcapngBuilder {
  private readonly parts: Uint8Array[] = [];
  private interfaces: PcapngInterface[] = [];

  constructor(private readonly le = true) {}

  u16(v: number): Uint8Array {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, this.le);
    return b;
  }

  u32(v: number): Uint8Array {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, this.le);
    return b;
  }

  u64(v: bigint): Uint8Array {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), this.le);
    return b;
  }

  text(s: string): Uint8Array {
    return utf8.encode(s);
  }

  options(list: PcapngOption[]): Uint8Array[] {
    if (list.length === 0) return [];
    const out: Uint8Array[] = [];
    for (const [code, value] of list) out.push(this.u16(code), this.u16(value.length), value, new Uint8Array(pad4(value.length)));
    out.push(new Uint8Array(4));
    return out;
  }

  /** Appends a block: type, total length, body (padded to 4), total length again. */
  block(type: number, body: Uint8Array[]): this {
    const bodyLength = body.reduce((n, b) => n + b.length, 0);
    const padded = bodyLength + pad4(bodyLength);
    const total = 12 + padded;
    this.parts.push(this.u32(type), this.u32(total), ...body, new Uint8Array(pad4(bodyLength)), this.u32(total));
    return this;
  }

  /** Starts a section; interface ids restart at 0. */
  section(comment?: string): this {
    this.interfaces = [];
    const options = comment === undefined ? [] : this.options([[1, this.text(comment)]]);
    return this.block(0x0a0d0d0a, [this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), this.u64(-1n), ...options]);
  }

  addInterface(iface: PcapngInterface): this {
    this.interfaces.push(iface);
    const opts: PcapngOption[] = [];
    if (iface.name !== undefined) opts.push([2, this.text(iface.name)]);
    if (iface.description !== undefined) opts.push([3, this.text(iface.description)]);
    opts.push([9, Uint8Array.of(iface.tsresol ?? 9)]);
    if (iface.fcsLength !== undefined) opts.push([13, Uint8Array.of(iface.fcsLength)]);
    if (iface.tsoffset !== undefined) opts.push([14, this.u64(BigInt(iface.tsoffset))]);
    return this.block(1, [this.u16(iface.linkType), this.u16(0), this.u32(iface.snaplen ?? 262144), ...this.options(opts)]);
  }

  /** The 64-bit tick count of a time on interface `id` of the current section, as [high, low]. */
  ticks(id: number, tsSec: number, tsNsec: number): [number, number] {
    const iface = this.interfaces[id];
    if (!iface) throw new Error(`pcapng writer: interface ${id} not added to this section`);
    const resol = iface.tsresol ?? 9;
    const unit = resol & 0x80 ? 1n << BigInt(resol & 0x7f) : 10n ** BigInt(resol);
    const ticks = BigInt(tsSec - (iface.tsoffset ?? 0)) * unit + (BigInt(tsNsec) * unit) / 1_000_000_000n;
    return [Number(BigInt.asUintN(64, ticks) >> 32n), Number(ticks & 0xffffffffn)];
  }

  enhancedPacket(p: PcapngWritePacket): this {
    const id = p.interfaceId ?? 0;
    const [hi, lo] = this.ticks(id, p.tsSec, p.tsNsec);
    const opts: PcapngOption[] = (p.comments ?? []).map((c) => [1, this.text(c)]);
    if (p.epbFlags !== undefined) opts.push([2, this.u32(p.epbFlags)]);
    const data = [p.data, new Uint8Array(pad4(p.data.length))];
    const header = [this.u32(id), this.u32(hi), this.u32(lo), this.u32(p.data.length), this.u32(p.originalLength ?? p.data.length)];
    return this.block(6, [...header, ...data, ...this.options(opts)]);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

/** One section, the given interfaces (or one of `linkType`), one EPB per packet. */
export function writePcapng(packets: Iterable<PcapngWritePacket>, opts: PcapngWriteOptions): Uint8Array {
  const interfaces = opts.interfaces ?? [{ linkType: opts.linkType ?? 1 }];
  const b = new PcapngBuilder(!opts.bigEndian).section(opts.sectionComment);
  for (const iface of interfaces) b.addInterface(iface);
  for (const p of packets) b.enhancedPacket(p);
  return b.bytes();
}
