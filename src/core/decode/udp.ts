// UDP (RFC 768): ports, length, checksum; tunnels (VXLAN, GENEVE) by destination port.

import { Checksum } from "../model/packet-table";
import type { Frame } from "./frame";
import { dissectNext, dissectorByUdpPort, handOffUdpPort } from "./registry";
import { checksumVerdict, finishTransport } from "./transport";
import type { Dissection } from "./field-tree";

export const IP_PROTOCOL_UDP = 17;

export function decodeUdp(f: Frame, off: number, end: number): void {
  const { b, c, r } = f;
  if (end - off < 8) return f.truncated("UDP header needs 8 bytes");
  const dstPort = (b[off + 2] << 8) | b[off + 3];
  const length = (b[off + 4] << 8) | b[off + 5];
  // Length 0 on a super-segment (BIG TCP through VXLAN): the IP layer's end stands.
  if (length !== 0 && length < 8) return f.malformed(`UDP length ${length} < 8`);
  const udpEnd = length === 0 ? f.l3End : off + length;
  const depth = f.tunnelDepth;
  if (handOffUdpPort(f, dstPort, off + 8, udpEnd < end ? udpEnd : end) && f.tunnelDepth > depth) return;
  c.srcPort[r] = (b[off] << 8) | b[off + 1];
  c.dstPort[r] = dstPort;
  finishTransport(f, off, off + 8, udpEnd, end, IP_PROTOCOL_UDP);
  // A zero checksum means "none" over IPv4 (RFC 768); IPv6 requires one (RFC 8200 §8.1).
  if (b[off + 6] === 0 && b[off + 7] === 0 && c.l3[r] === 4) f.setL4Checksum(Checksum.ABSENT);
}

export function dissectUdp(d: Dissection, off: number, end: number): void {
  const n = d.layer("udp", "User Datagram Protocol", off, 8);
  if (end - off < 8) return d.cut(n, "UDP header", off);
  const sp = d.uint(n, "udp.srcport", "Source Port", off, 2);
  const dp = d.uint(n, "udp.dstport", "Destination Port", off + 2, 2);
  const length = d.uint(n, "udp.length", "Length", off + 4, 2);
  const udpEnd = length >= 8 ? Math.min(end, off + length) : end;
  const zero = d.dv.getUint16(off + 6) === 0;
  const verdict = zero ? "none" : checksumVerdict(d, off, length >= 8 ? off + length : end, d.b.length, IP_PROTOCOL_UDP);
  d.uint(n, "udp.checksum", "Checksum", off + 6, 2, (v) => `0x${v.toString(16).padStart(4, "0")} [${verdict}]`);
  n.label = `User Datagram Protocol, Src Port: ${sp}, Dst Port: ${dp}`;
  dissectNext(d, dissectorByUdpPort, dp, off + 8, udpEnd);
}
