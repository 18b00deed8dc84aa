// What the ETL packet providers (NDIS-PacketCapture, PktMon) hand to the ETL reader: packets found
// in the trace, with their record time, interface and where their bytes lie, kept in columns until
// the time sort.

/** Where a packet's bytes lie: a range of a buffer's records area, or a copy (joined fragments, edited bytes). */
export interface PacketBytes {
  bufferIndex: number;
  start: number;
  length: number;
  copy?: Uint8Array;
}

export interface EtlInterface {
  /** Identity of the interface among the trace's packets (provider, index, link type...). */
  key: string;
  linkType: number;
  name: string;
  description?: string;
  /** Interfaces are numbered in this order (then by key). */
  sortKey: number[];
}

export interface EtlPacket {
  /** Record time in clock ticks after the log-file header's (exact: far below 2^53 ticks). */
  ticks: number;
  /** Position of the event in the file: ties in time keep file order. */
  order: number;
  iface: EtlInterface;
  bytes: PacketBytes;
  originalLength: number;
  /** pcapng epb_flags direction bits: 1 inbound, 2 outbound, 0 unknown. */
  direction: number;
  notes?: string[];
  fileOffset: number;
}

/**
 * The packets of a trace in columns (typed arrays, grown by doubling), so that memory stays a
 * few dozen bytes per packet until they are emitted in time order; copies and notes are sparse.
 */
export class PacketList {
  count = 0;
  ticks = new Float64Array(1024);
  order = new Float64Array(1024);
  iface = new Uint16Array(1024);
  buffer = new Int32Array(1024);
  start = new Uint32Array(1024);
  length = new Uint32Array(1024);
  originalLength = new Uint32Array(1024);
  direction = new Uint8Array(1024);
  fileOffset = new Float64Array(1024);
  readonly copies = new Map<number, Uint8Array>();
  readonly notes = new Map<number, string[]>();
  readonly interfaces: EtlInterface[] = [];
  private readonly ifaceIds = new Map<EtlInterface, number>();

  add(p: EtlPacket): void {
    if (this.count === this.ticks.length) this.grow();
    const i = this.count++;
    let ifaceId = this.ifaceIds.get(p.iface);
    if (ifaceId === undefined) {
      ifaceId = this.interfaces.push(p.iface) - 1;
      this.ifaceIds.set(p.iface, ifaceId);
    }
    this.ticks[i] = p.ticks;
    this.order[i] = p.order;
    this.iface[i] = ifaceId;
    this.buffer[i] = p.bytes.bufferIndex;
    this.start[i] = p.bytes.start;
    this.length[i] = p.bytes.length;
    this.originalLength[i] = p.originalLength;
    this.direction[i] = p.direction;
    this.fileOffset[i] = p.fileOffset;
    if (p.bytes.copy) this.copies.set(i, p.bytes.copy);
    if (p.notes) this.notes.set(i, p.notes);
  }

  /** Packet indexes sorted by time, file order among equal times. */
  timeOrder(): Uint32Array {
    const idx = this.fileOrder();
    return idx.sort((a, b) => this.ticks[a] - this.ticks[b] || this.order[a] - this.order[b]);
  }

  /** How many packets, in file order, come earlier in time than the packet before them. */
  outOfOrder(): number {
    const idx = this.fileOrder();
    let n = 0;
    for (let k = 1; k < idx.length; k++) if (this.ticks[idx[k]] < this.ticks[idx[k - 1]]) n++;
    return n;
  }

  private fileOrder(): Uint32Array {
    const idx = new Uint32Array(this.count);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
    return idx.sort((a, b) => this.order[a] - this.order[b]);
  }

  private grow(): void {
    const size = this.ticks.length * 2;
    const widen = <T extends Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(size);
      b.set(a);
      return b;
    };
    this.ticks = widen(this.ticks, Float64Array);
    this.order = widen(this.order, Float64Array);
    this.iface = widen(this.iface, Uint16Array);
    this.buffer = widen(this.buffer, Int32Array);
    this.start = widen(this.start, Uint32Array);
    this.length = widen(this.length, Uint32Array);
    this.originalLength = widen(this.originalLength, Uint32Array);
    this.direction = widen(this.direction, Uint8Array);
    this.fileOffset = widen(this.fileOffset, Float64Array);
  }
}

/** Where an event's payload is, for the providers' parsers. */
export interface EventContext {
  records: Uint8Array;
  view: DataView;
  bufferIndex: number;
  /** File offset of the record (the buffer's, for compressed buffers). */
  fileOffset: number;
  order: number;
  /** Clock ticks after the log-file header's. */
  ticks: number;
  threadId: number;
  keyword: bigint;
  id: number;
  payloadStart: number;
  payloadEnd: number;
}

export interface PacketProvider {
  /** Provider GUID bytes as they lie in the file. */
  readonly guid: Uint8Array;
  /** Parses one of the provider's events; packets go to the list the provider was made with. */
  onEvent(ev: EventContext): void;
  /** Called once every buffer has been seen: adds what was held back, says what it found. */
  finish(): { notes: string[]; warnings: string[] };
}

/**
 * Original length of a frame whose capture was cut (ndiscap records no original length): from the
 * IPv4 total length or IPv6 payload length, when that says more than was captured.
 */
export function inferOriginalLength(data: Uint8Array, linkType: number, captured: number): number {
  let ipAt: number;
  if (linkType === 1) {
    if (data.length < 14) return captured;
    const etherType = (data[12] << 8) | data[13];
    if (etherType !== 0x0800 && etherType !== 0x86dd) return captured;
    ipAt = 14;
  } else if (linkType === 101) {
    ipAt = 0;
  } else {
    return captured;
  }
  const version = data.length > ipAt ? data[ipAt] >> 4 : 0;
  let total = 0;
  if (version === 4 && data.length >= ipAt + 4) total = ipAt + ((data[ipAt + 2] << 8) | data[ipAt + 3]);
  else if (version === 6 && data.length >= ipAt + 6) total = ipAt + 40 + ((data[ipAt + 4] << 8) | data[ipAt + 5]);
  return Math.max(captured, total);
}
