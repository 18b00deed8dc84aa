// Writes classic libpcap files (https://www.tcpdump.org/manpages/pcap-savefile.5.txt):
// used by the test fixture builders and the exporters.

export interface PcapWriteOptions {
  linkType: number;
  /** Nanosecond-resolution magic (0xa1b23c4d) instead of microseconds. */
  nanoseconds?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
}

export interface PcapWritePacket {
  tsSec: number;
  /** Nanoseconds within the second; truncated to microseconds unless `nanoseconds`. */
  tsNsec: number;
  data: Uint8Array;
  /** Defaults to data.length (set larger to describe a snaplen-truncated record). */
  originalLength?: number;
}

export function writePcap(packets: Iterable<PcapWritePacket>, opts: PcapWriteOptions): Uint8Array {
  const list = [...packets];
  const total = 24 + list.reduce((n, p) => n + 16 + p.data.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const le = !opts.bigEndian;
  view.setUint32(0, opts.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, le);
  view.setUint16(4, 2, le);
  view.setUint16(6, 4, le);
  view.setUint32(16, opts.snaplen ?? 262144, le);
  view.setUint32(20, opts.linkType, le);
  let at = 24;
  for (const p of list) {
    view.setUint32(at, p.tsSec, le);
    view.setUint32(at + 4, opts.nanoseconds ? p.tsNsec : Math.floor(p.tsNsec / 1000), le);
    view.setUint32(at + 8, p.data.length, le);
    view.setUint32(at + 12, p.originalLength ?? p.data.length, le);
    out.set(p.data, at + 16);
    at += 16 + p.data.length;
  }
  return out;
}
