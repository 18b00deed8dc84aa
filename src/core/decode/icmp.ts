// ICMP for IPv4 (RFC 792): type/code, echo-style identifier and sequence, checksum over the message.

import type { Frame } from "./frame";
import { checksumVerdict, finishTransport } from "./transport";
import type { Dissection } from "./field-tree";
import { dissectIpv4 } from "./ipv4";

export const IP_PROTOCOL_ICMP = 1;

/** Echo, timestamp, information and address-mask request/reply carry identifier + sequence. */
const WITH_ID_AND_SEQ = new Set([0, 8, 13, 14, 15, 16, 17, 18]);

export function decodeIcmp(f: Frame, off: number, end: number): void {
  const { b, c, r } = f;
  if (end - off < 4) return f.truncated("ICMP header needs 4 bytes");
  const type = b[off];
  c.srcPort[r] = (type << 8) | b[off + 1];
  if (end - off < 8) return f.truncated("ICMP header needs 8 bytes");
  if (WITH_ID_AND_SEQ.has(type)) {
    c.dstPort[r] = (b[off + 4] << 8) | b[off + 5];
    c.seq[r] = (b[off + 6] << 8) | b[off + 7];
  }
  finishTransport(f, off, off + 8, f.l3End, end, -1);
}

/** Errors that quote the offending packet's IP header and first bytes. */
const QUOTING = new Set([3, 4, 5, 11, 12]);

export function dissectIcmp(d: Dissection, off: number, end: number): void {
  const n = d.layer("icmp", "Internet Control Message Protocol", off, 8);
  if (end - off < 4) return d.cut(n, "ICMP header", off);
  const type = d.uint(n, "icmp.type", "Type", off, 1);
  d.uint(n, "icmp.code", "Code", off + 1, 1);
  const verdict = checksumVerdict(d, off, d.l3End, d.b.length, -1);
  d.uint(n, "icmp.checksum", "Checksum", off + 2, 2, (v) => `0x${v.toString(16).padStart(4, "0")} [${verdict}]`);
  if (end - off < 8) return d.cut(n, "ICMP header", off + 4);
  if (WITH_ID_AND_SEQ.has(type)) {
    d.uint(n, "icmp.ident", "Identifier", off + 4, 2);
    d.uint(n, "icmp.seq", "Sequence Number", off + 6, 2);
  }
  if (QUOTING.has(type) && d.tunnelDepth === 0) {
    d.tunnelDepth++;
    dissectIpv4(d, off + 8, end);
    d.tunnelDepth--;
  } else d.data(off + 8, end);
}
