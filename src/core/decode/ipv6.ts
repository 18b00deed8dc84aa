// IPv6 (RFC 8200): fixed header, then extension headers (hop-by-hop, routing, fragment,
// destination options, AH, mobility, HIP, shim6) up to the upper-layer protocol.

import { L3, PacketFlag } from "../model/packet-table";
import type { Frame } from "./frame";
import { sumWords } from "./payload";
import { dissectNext, dissectorByIpProtocol, handOffIpProtocol } from "./registry";
import { formatIpv6 } from "./addresses";
import type { Dissection } from "./field-tree";

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

const EXTENSION_NAMES: Record<number, [string, string]> = {
  [HOP_BY_HOP]: ["ipv6.hopopts", "IPv6 Hop-by-Hop Option"],
  [ROUTING]: ["ipv6.routing", "Routing Header"],
  [FRAGMENT]: ["ipv6.fragment", "Fragment Header"],
  [DEST_OPTS]: ["ipv6.dstopts", "Destination Options for IPv6"],
  [AUTH]: ["ah", "Authentication Header"],
};

export function dissectIpv6(d: Dissection, off: number, end: number): void {
  const n = d.layer("ipv6", "Internet Protocol Version 6", off, 40);
  if (end - off < 40) return d.cut(n, "IPv6 header", off);
  const b = d.b;
  const first = d.dv.getUint32(off);
  d.field(n, "ipv6.version", `Version: ${first >>> 28}`, first >>> 28, off, 1);
  d.field(n, "ipv6.tclass", `Traffic Class: 0x${((first >>> 20) & 0xff).toString(16).padStart(2, "0")}`, (first >>> 20) & 0xff, off, 2);
  d.field(n, "ipv6.flow", `Flow Label: 0x${(first & 0xfffff).toString(16).padStart(5, "0")}`, first & 0xfffff, off + 1, 3);
  const payloadLength = d.uint(n, "ipv6.plen", "Payload Length", off + 4, 2);
  let next = d.uint(n, "ipv6.nxt", "Next Header", off + 6, 1);
  d.uint(n, "ipv6.hlim", "Hop Limit", off + 7, 1);
  const src = formatIpv6(b, off + 8);
  const dst = formatIpv6(b, off + 24);
  d.field(n, "ipv6.src", `Source Address: ${src}`, src, off + 8, 16);
  d.field(n, "ipv6.dst", `Destination Address: ${dst}`, dst, off + 24, 16);
  n.label = `Internet Protocol Version 6, Src: ${src}, Dst: ${dst}`;
  d.addrSum = sumWords(d, off + 8, off + 40);
  d.l3End = payloadLength === 0 ? d.b.length : off + 40 + payloadLength;
  const payloadEnd = Math.min(end, d.l3End);
  let at = off + 40;
  while (EXTENSION_NAMES[next] || GENERIC_EXTENSIONS.has(next)) {
    const [name, title] = EXTENSION_NAMES[next] ?? [`ipv6.ext${next}`, `Extension header ${next}`];
    if (payloadEnd - at < 8) return d.cut(n, title, at);
    const length = next === AUTH ? (b[at + 1] + 2) * 4 : next === FRAGMENT ? 8 : (b[at + 1] + 1) * 8;
    const ext = d.field(n, name, `${title}, ${length} bytes`, next, at, length);
    const following = d.uint(ext, `${name}.nxt`, "Next header", at, 1);
    if (next === FRAGMENT) {
      const field = d.dv.getUint16(at + 2);
      d.field(ext, "ipv6.fragment.offset", `Offset: ${field >> 3} (${field & 0xfff8} bytes)`, field >> 3, at + 2, 2);
      d.field(ext, "ipv6.fragment.more", `More Fragments: ${field & 1 ? "Yes" : "No"}`, field & 1, at + 3, 1);
      d.uint(ext, "ipv6.fragment.id", "Identification", at + 4, 4, (v) => `0x${v.toString(16).padStart(8, "0")}`);
      if (field & 0xfff8) return d.data(at + 8, payloadEnd);
    }
    next = following;
    at += length;
  }
  dissectNext(d, dissectorByIpProtocol, next, at, payloadEnd);
}
