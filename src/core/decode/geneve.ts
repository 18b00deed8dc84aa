// GENEVE (RFC 8926, UDP port 6081): 8-byte header plus variable options (skipped by their
// total length), then an Ethernet frame (protocol 0x6558) or whatever the ethertype says.

import type { Frame } from "./frame";
import { decodeEthernet, dissectEthernet } from "./ethernet";
import type { Dissection } from "./field-tree";
import { dissectNext, dissectorByEthertype, handOffEthertype } from "./registry";

export const GENEVE_PORT = 6081;
export const TRANSPARENT_ETHERNET = 0x6558;

export function decodeGeneve(f: Frame, off: number, end: number): void {
  if (end - off < 8) return f.truncated("GENEVE header needs 8 bytes");
  const version = f.b[off] >> 6;
  if (version !== 0) return f.malformed(`GENEVE version ${version}`);
  const headerLength = 8 + (f.b[off] & 0x3f) * 4;
  if (off + headerLength > end) return f.truncated(`GENEVE options (${headerLength - 8} bytes) run past the capture`);
  const protocol = f.u16(off + 2);
  if (!f.enterTunnel("GENEVE VNI", f.u32(off + 4) >>> 8)) return;
  if (protocol === TRANSPARENT_ETHERNET) decodeEthernet(f, off + headerLength, end);
  else handOffEthertype(f, protocol, off + headerLength, end);
}

export function dissectGeneve(d: Dissection, off: number, end: number): void {
  const n = d.layer("geneve", "Generic Network Virtualization Encapsulation", off, 8);
  if (end - off < 8) return d.cut(n, "GENEVE header", off);
  const headerLength = 8 + (d.b[off] & 0x3f) * 4;
  d.field(n, "geneve.version", `Version: ${d.b[off] >> 6}`, d.b[off] >> 6, off, 1);
  d.field(n, "geneve.option_len", `Options Length: ${headerLength - 8} bytes`, headerLength - 8, off, 1);
  d.uint(n, "geneve.flags", "Flags", off + 1, 1, (v) => `0x${v.toString(16).padStart(2, "0")}${v & 0x80 ? " (OAM)" : ""}${v & 0x40 ? " (critical options)" : ""}`);
  const protocol = d.uint(n, "geneve.proto_type", "Protocol Type", off + 2, 2, (v) => `0x${v.toString(16).padStart(4, "0")}`);
  const vni = d.dv.getUint32(off + 4) >>> 8;
  d.field(n, "geneve.vni", `Virtual Network Identifier (VNI): ${vni}`, vni, off + 4, 3);
  n.label = `Generic Network Virtualization Encapsulation, VNI: ${vni}`;
  n.length = headerLength;
  if (off + headerLength > end) return d.cut(n, "GENEVE options", off + 8);
  for (let at = off + 8; at + 4 <= off + headerLength; ) {
    const length = 4 + (d.b[at + 3] & 0x1f) * 4;
    const option = d.field(n, "geneve.option", `Option class 0x${d.dv.getUint16(at).toString(16).padStart(4, "0")}, type 0x${d.b[at + 2].toString(16).padStart(2, "0")}, ${length} bytes`, d.b[at + 2], at, length);
    d.uint(option, "geneve.option.class", "Class", at, 2, (v) => `0x${v.toString(16).padStart(4, "0")}`);
    d.uint(option, "geneve.option.type", "Type", at + 2, 1, (v) => `0x${v.toString(16).padStart(2, "0")}`);
    d.field(option, "geneve.option.length", `Length: ${length} bytes`, length, at + 3, 1);
    at += length;
  }
  if (protocol === TRANSPARENT_ETHERNET) dissectEthernet(d, off + headerLength, end);
  else dissectNext(d, dissectorByEthertype, protocol, off + headerLength, end);
}
