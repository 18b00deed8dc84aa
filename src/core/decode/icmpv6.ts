// ICMPv6 (RFC 4443) with the neighbour-discovery messages SCENARIOS S9 needs (RFC 4861):
// router advertisements (lifetime, prefixes) and neighbour advertisements (R/S/O flags).

import type { Frame } from "./frame";
import { formatIpv6 } from "./addresses";
import { checksumVerdict, finishTransport } from "./transport";
import type { Dissection, FieldNode } from "./field-tree";

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

function dissectNdpOptions(d: Dissection, parent: FieldNode, start: number, end: number): void {
  for (let at = start; end - at >= 2; ) {
    const length = d.b[at + 1] * 8;
    if (length === 0 || at + length > end) return d.cut(parent, "ICMPv6 option", at);
    const type = d.b[at];
    const option = d.field(parent, "icmpv6.opt", `ICMPv6 Option (type ${type}, ${length} bytes)`, type, at, length);
    if (type === PREFIX_INFORMATION && length >= 32) {
      const prefix = `${formatIpv6(d.b, at + 16)}/${d.b[at + 2]}`;
      option.label = `ICMPv6 Option (Prefix information: ${prefix})`;
      d.uint(option, "icmpv6.opt.prefix.length", "Prefix Length", at + 2, 1);
      d.uint(option, "icmpv6.opt.prefix.valid_lifetime", "Valid Lifetime", at + 4, 4);
      d.uint(option, "icmpv6.opt.prefix.preferred_lifetime", "Preferred Lifetime", at + 8, 4);
      d.field(option, "icmpv6.opt.prefix", `Prefix: ${formatIpv6(d.b, at + 16)}`, formatIpv6(d.b, at + 16), at + 16, 16);
    }
    at += length;
  }
}

export function dissectIcmpv6(d: Dissection, off: number, end: number): void {
  const n = d.layer("icmpv6", "Internet Control Message Protocol v6", off, end - off);
  if (end - off < 4) return d.cut(n, "ICMPv6 header", off);
  const type = d.uint(n, "icmpv6.type", "Type", off, 1);
  d.uint(n, "icmpv6.code", "Code", off + 1, 1);
  const verdict = checksumVerdict(d, off, d.l3End, d.b.length, IP_PROTOCOL_ICMPV6);
  d.uint(n, "icmpv6.checksum", "Checksum", off + 2, 2, (v) => `0x${v.toString(16).padStart(4, "0")} [${verdict}]`);
  if (end - off < 8) return d.cut(n, "ICMPv6 header", off + 4);
  if (type === Icmpv6Type.ECHO_REQUEST || type === Icmpv6Type.ECHO_REPLY) {
    d.uint(n, "icmpv6.echo.identifier", "Identifier", off + 4, 2);
    d.uint(n, "icmpv6.echo.sequence_number", "Sequence", off + 6, 2);
    d.data(off + 8, end);
  } else if (type === Icmpv6Type.ROUTER_ADVERTISEMENT) {
    if (end - off < 16) return d.cut(n, "router advertisement", off + 4);
    d.uint(n, "icmpv6.nd.ra.cur_hop_limit", "Cur hop limit", off + 4, 1);
    d.uint(n, "icmpv6.nd.ra.flag", "Flags", off + 5, 1, (v) => `0x${v.toString(16).padStart(2, "0")}`);
    d.uint(n, "icmpv6.nd.ra.router_lifetime", "Router lifetime (s)", off + 6, 2, (v) => (v === 0 ? "0 (not a default router)" : String(v)));
    d.uint(n, "icmpv6.nd.ra.reachable_time", "Reachable time (ms)", off + 8, 4);
    d.uint(n, "icmpv6.nd.ra.retrans_timer", "Retrans timer (ms)", off + 12, 4);
    dissectNdpOptions(d, n, off + 16, end);
  } else if (type === Icmpv6Type.NEIGHBOR_ADVERTISEMENT) {
    if (end - off < 24) return d.cut(n, "neighbour advertisement", off + 4);
    const flags = d.b[off + 4];
    const node = d.field(n, "icmpv6.nd.na.flag", `Flags: 0x${flags.toString(16).padStart(2, "0")}`, flags, off + 4, 4);
    d.field(node, "icmpv6.nd.na.flag.r", `Router: ${flags & 0x80 ? "Set" : "Not set"}`, (flags >> 7) & 1, off + 4, 1);
    d.field(node, "icmpv6.nd.na.flag.s", `Solicited: ${flags & 0x40 ? "Set" : "Not set"}`, (flags >> 6) & 1, off + 4, 1);
    d.field(node, "icmpv6.nd.na.flag.o", `Override: ${flags & 0x20 ? "Set" : "Not set"}`, (flags >> 5) & 1, off + 4, 1);
    d.field(n, "icmpv6.nd.na.target_address", `Target Address: ${formatIpv6(d.b, off + 8)}`, formatIpv6(d.b, off + 8), off + 8, 16);
    dissectNdpOptions(d, n, off + 24, end);
  } else d.data(off + 8, end);
}
