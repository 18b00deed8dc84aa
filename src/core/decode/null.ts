// BSD loopback (LINKTYPE_NULL = 0: 4-byte address family in the capturing host's byte
// order; LINKTYPE_LOOP = 108: the same in network byte order).
// https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html

import { L3 } from "../model/packet-table";
import type { Frame } from "./frame";
import { decodeIpv4, dissectIpv4 } from "./ipv4";
import { decodeIpv6, dissectIpv6 } from "./ipv6";
import type { Dissection } from "./field-tree";
import { dissectNext, dissectorByEthertype, handOffEthertype } from "./registry";

/** AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS), 10 (Linux). */
const AF_INET = 2;
const AF_INET6 = new Set([10, 24, 28, 30]);

function decodeFamily(f: Frame, family: number, off: number, end: number): void {
  if (family === AF_INET) decodeIpv4(f, off + 4, end);
  else if (AF_INET6.has(family)) decodeIpv6(f, off + 4, end);
  // Some Linux captures put an ethertype there instead (Wireshark's packet-null.c does the same).
  else if (family > 1500) handOffEthertype(f, family & 0xffff, off + 4, end);
  else f.c.l3[f.r] = L3.OTHER;
}

export function decodeNull(f: Frame, off: number, end: number): void {
  if (end - off < 4) return f.truncated("loopback header needs 4 bytes");
  // The family is small: whichever byte order leaves the high bytes zero is the writer's.
  const little = f.dv.getUint32(f.base + off, true);
  decodeFamily(f, (little & 0xffff0000) === 0 ? little : f.u32(off), off, end);
}

export function decodeLoop(f: Frame, off: number, end: number): void {
  if (end - off < 4) return f.truncated("loopback header needs 4 bytes");
  decodeFamily(f, f.u32(off), off, end);
}

function dissectFamily(d: Dissection, name: string, family: number, off: number, end: number): void {
  const n = d.layer(name, `${name === "loop" ? "OpenBSD loopback" : "Null/Loopback"}, Family: ${family}`, off, 4);
  d.field(n, `${name}.family`, `Family: ${family === AF_INET ? "IP" : AF_INET6.has(family) ? "IPv6" : family}`, family, off, 4);
  if (family === AF_INET) dissectIpv4(d, off + 4, end);
  else if (AF_INET6.has(family)) dissectIpv6(d, off + 4, end);
  else if (family > 1500) dissectNext(d, dissectorByEthertype, family & 0xffff, off + 4, end);
  else d.data(off + 4, end);
}

export function dissectNull(d: Dissection, off: number, end: number): void {
  if (end - off < 4) return d.cut(d.layer("null", "Null/Loopback", off, 4), "loopback header", off);
  const little = d.dv.getUint32(off, true);
  dissectFamily(d, "null", (little & 0xffff0000) === 0 ? little : d.dv.getUint32(off), off, end);
}

export function dissectLoop(d: Dissection, off: number, end: number): void {
  if (end - off < 4) return d.cut(d.layer("loop", "OpenBSD loopback", off, 4), "loopback header", off);
  dissectFamily(d, "loop", d.dv.getUint32(off), off, end);
}
