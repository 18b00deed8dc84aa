// What the ETL packet providers (NDIS-PacketCapture, PktMon) hand to the ETL reader: packets found
// in the trace, with their record time, interface and where their bytes lie, before time sorting.

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
  /** Record time stamp (clock ticks of the trace). */
  ticks: bigint;
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

/** Where an event's payload is, for the providers' parsers. */
export interface EventContext {
  records: Uint8Array;
  view: DataView;
  bufferIndex: number;
  /** File offset of the record (the buffer's, for compressed buffers). */
  fileOffset: number;
  order: number;
  ticks: bigint;
  threadId: number;
  keyword: bigint;
  id: number;
  version: number;
  payloadStart: number;
  payloadEnd: number;
}

export interface PacketProvider {
  /** Provider GUID bytes as they lie in the file. */
  readonly guid: Uint8Array;
  onEvent(ev: EventContext): void;
  /** The packets, once every buffer has been seen; plus facts for the read summary. */
  finish(): { packets: EtlPacket[]; notes: string[]; warnings: string[] };
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
