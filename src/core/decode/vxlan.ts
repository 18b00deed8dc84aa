// VXLAN (RFC 7348, UDP port 4789): 8-byte header with a 24-bit VNI, then an Ethernet frame.

import type { Frame } from "./frame";
import { decodeEthernet, dissectEthernet } from "./ethernet";
import type { Dissection } from "./field-tree";

export const VXLAN_PORT = 4789;

export function decodeVxlan(f: Frame, off: number, end: number): void {
  if (end - off < 8) return f.truncated("VXLAN header needs 8 bytes");
  const vni = f.u32(off + 4) >>> 8;
  if (f.enterTunnel("VXLAN VNI", vni)) decodeEthernet(f, off + 8, end);
}

export function dissectVxlan(d: Dissection, off: number, end: number): void {
  const n = d.layer("vxlan", "Virtual eXtensible Local Area Network", off, 8);
  if (end - off < 8) return d.cut(n, "VXLAN header", off);
  d.uint(n, "vxlan.flags", "Flags", off, 1, (v) => `0x${v.toString(16).padStart(2, "0")}`);
  const vni = d.dv.getUint32(off + 4) >>> 8;
  d.field(n, "vxlan.vni", `VXLAN Network Identifier (VNI): ${vni}`, vni, off + 4, 3);
  n.label = `Virtual eXtensible Local Area Network, VNI: ${vni}`;
  dissectEthernet(d, off + 8, end);
}
