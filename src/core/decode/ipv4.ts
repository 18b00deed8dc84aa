// IPv4 (RFC 791): header with options, header checksum, fragments. A total length of 0 on a
// longer packet is a sender-side TSO/BIG TCP super-segment: the captured length is used.

import { Checksum, L3, PacketFlag } from "../model/packet-table";
import type { Frame } from "./frame";
import { checksumValid, sumWords } from "./payload";
import { handOffIpProtocol } from "./registry";

export const ETHERTYPE_IPV4 = 0x0800;

export function decodeIpv4(f: Frame, off: number, end: number): void {
  const { b, c, r } = f;
  c.l3[r] = L3.IPV4;
  if (end - off < 20) return f.truncated("IPv4 header needs 20 bytes");
  const version = b[off] >> 4;
  const headerLength = (b[off] & 15) * 4;
  if (version !== 4 || headerLength < 20) return f.malformed(`IPv4 version ${version}, header length ${headerLength}`);
  if (off + headerLength > end) return f.truncated(`IPv4 header length ${headerLength} runs past the capture`);
  const totalLength = (b[off + 2] << 8) | b[off + 3];
  const fragment = (b[off + 6] << 8) | b[off + 7];
  const protocol = b[off + 9];
  c.tos[r] = b[off + 1];
  c.ipLength[r] = totalLength;
  c.ipId[r] = (b[off + 4] << 8) | b[off + 5];
  c.fragment[r] = fragment;
  c.ttl[r] = b[off + 8];
  c.protocol[r] = protocol;
  c.src[r] = f.addresses.v4At(b, off + 12);
  c.dst[r] = f.addresses.v4At(b, off + 16);
  let flags = headerLength > 20 ? PacketFlag.IP_OPTIONS : 0;
  if (totalLength === 0 && end - off > headerLength) {
    // The NIC writes each segment's length and L4 checksum; the header checksum as
    // captured (computed over length 0 by Linux BIG TCP) is still verified below.
    flags |= PacketFlag.TSO_LENGTH_ZERO;
    f.l3End = end + f.uncaptured;
  } else if (totalLength < headerLength) {
    c.flags[r] |= flags;
    return f.malformed(`IPv4 total length ${totalLength} < header length ${headerLength}`);
  } else {
    f.l3End = f.ipEnd(off + totalLength, end);
  }
  f.setIpChecksum(checksumValid(sumWords(f, off, off + headerLength)) ? Checksum.GOOD : Checksum.BAD);
  f.addrSum = sumWords(f, off + 12, off + 20);
  if (fragment & 0x1fff) {
    c.flags[r] |= flags | PacketFlag.LATER_FRAGMENT;
    return;
  }
  if (fragment & 0x2000) flags |= PacketFlag.FIRST_FRAGMENT;
  c.flags[r] |= flags;
  handOffIpProtocol(f, protocol, off + headerLength, end);
}
