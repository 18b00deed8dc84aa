// ICMP for IPv4 (RFC 792): type/code, echo-style identifier and sequence, checksum over the message.

import type { Frame } from "./frame";
import { finishTransport } from "./transport";

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
