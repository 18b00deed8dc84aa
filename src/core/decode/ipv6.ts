// IPv6 (RFC 8200): fixed header, then extension headers (hop-by-hop, routing, fragment,
// destination options, AH, mobility, HIP, shim6) up to the upper-layer protocol.

import { L3, PacketFlag } from "../model/packet-table";
import type { Frame } from "./frame";
import { sumWords } from "./payload";
import { handOffIpProtocol } from "./registry";

export const ETHERTYPE_IPV6 = 0x86dd;

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTH = 51;
const DEST_OPTS = 60;
/** Extension headers in the generic "next header, length in 8-octet units" form. */
const GENERIC_EXTENSIONS = new Set([HOP_BY_HOP, ROUTING, DEST_OPTS, 135, 139, 140]);

export function decodeIpv6(f: Frame, off: number, end: number): void {
  const { b, c, r } = f;
  c.l3[r] = L3.IPV6;
  if (end - off < 40) return f.truncated("IPv6 header needs 40 bytes");
  if (b[off] >> 4 !== 6) return f.malformed(`IPv6 version ${b[off] >> 4}`);
  const payloadLength = (b[off + 4] << 8) | b[off + 5];
  c.tos[r] = ((b[off] & 15) << 4) | (b[off + 1] >> 4);
  c.ipLength[r] = payloadLength + 40;
  c.ttl[r] = b[off + 7];
  c.src[r] = f.addresses.v6At(b, off + 8);
  c.dst[r] = f.addresses.v6At(b, off + 24);
  // Payload length 0 with a hop-by-hop header is a jumbogram (BIG TCP): use the capture.
  f.l3End = payloadLength === 0 && b[off + 6] === HOP_BY_HOP ? end + f.uncaptured : f.ipEnd(off + 40 + payloadLength, end);
  f.addrSum = sumWords(f, off + 8, off + 40);
  let next = b[off + 6];
  let at = off + 40;
  let flags = 0;
  for (;;) {
    if (GENERIC_EXTENSIONS.has(next) || next === AUTH) {
      if (end - at < 8) {
        c.flags[r] |= flags;
        c.protocol[r] = next;
        return f.truncated("IPv6 extension header runs past the capture");
      }
      flags |= PacketFlag.IP_OPTIONS;
      const length = next === AUTH ? (b[at + 1] + 2) * 4 : (b[at + 1] + 1) * 8;
      next = b[at];
      at += length;
    } else if (next === FRAGMENT) {
      if (end - at < 8) {
        c.flags[r] |= flags;
        c.protocol[r] = next;
        return f.truncated("IPv6 fragment header runs past the capture");
      }
      flags |= PacketFlag.IP_OPTIONS;
      const offsetAndMore = (b[at + 2] << 8) | b[at + 3];
      c.fragment[r] = offsetAndMore;
      c.ipId[r] = (b[at + 6] << 8) | b[at + 7];
      next = b[at];
      at += 8;
      if (offsetAndMore & 0xfff8) {
        c.flags[r] |= flags | PacketFlag.LATER_FRAGMENT;
        c.protocol[r] = next;
        return;
      }
      if (offsetAndMore & 1) flags |= PacketFlag.FIRST_FRAGMENT;
    } else break;
  }
  c.flags[r] |= flags;
  c.protocol[r] = next;
  if (at > end) return f.truncated("IPv6 extension headers run past the capture");
  handOffIpProtocol(f, next, at, end);
}
