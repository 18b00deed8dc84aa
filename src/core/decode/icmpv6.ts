// ICMPv6 (RFC 4443) with the neighbour-discovery messages SCENARIOS S9 needs (RFC 4861):
// router advertisements (lifetime, prefixes) and neighbour advertisements (R/S/O flags).

import type { Frame } from "./frame";
import { formatIpv6 } from "./addresses";
import { finishTransport } from "./transport";

export const IP_PROTOCOL_ICMPV6 = 58;

export const Icmpv6Type = {
  ECHO_REQUEST: 128,
  ECHO_REPLY: 129,
  ROUTER_ADVERTISEMENT: 134,
  NEIGHBOR_ADVERTISEMENT: 136,
} as const;

const PREFIX_INFORMATION = 3;

function routerAdvertisement(f: Frame, off: number, end: number): void {
  if (end - off < 16) return f.truncated("ICMPv6 router advertisement needs 16 bytes");
  const prefixes: string[] = [];
  for (let at = off + 16; end - at >= 2; ) {
    const length = f.b[at + 1] * 8;
    if (length === 0 || at + length > end) break;
    if (f.b[at] === PREFIX_INFORMATION && length >= 32) prefixes.push(`${formatIpv6(f.b, at + 16)}/${f.b[at + 2]}`);
    at += length;
  }
  f.sparse.ndp.set(f.row, { kind: "router-advertisement", routerLifetime: f.u16(off + 6), prefixes });
}

function neighborAdvertisement(f: Frame, off: number, end: number): void {
  if (end - off < 24) return f.truncated("ICMPv6 neighbour advertisement needs 24 bytes");
  const flags = f.b[off + 4];
  f.sparse.ndp.set(f.row, {
    kind: "neighbor-advertisement",
    target: formatIpv6(f.b, off + 8),
    router: (flags & 0x80) !== 0,
    solicited: (flags & 0x40) !== 0,
    override: (flags & 0x20) !== 0,
  });
}

export function decodeIcmpv6(f: Frame, off: number, end: number): void {
  const { b, c, r } = f;
  if (end - off < 4) return f.truncated("ICMPv6 header needs 4 bytes");
  const type = b[off];
  c.srcPort[r] = (type << 8) | b[off + 1];
  if (end - off < 8) return f.truncated("ICMPv6 header needs 8 bytes");
  if (type === Icmpv6Type.ECHO_REQUEST || type === Icmpv6Type.ECHO_REPLY) {
    c.dstPort[r] = (b[off + 4] << 8) | b[off + 5];
    c.seq[r] = (b[off + 6] << 8) | b[off + 7];
  } else if (type === Icmpv6Type.ROUTER_ADVERTISEMENT) routerAdvertisement(f, off, end);
  else if (type === Icmpv6Type.NEIGHBOR_ADVERTISEMENT) neighborAdvertisement(f, off, end);
  finishTransport(f, off, off + 8, f.l3End, end, IP_PROTOCOL_ICMPV6);
}
