// VXLAN (RFC 7348, UDP port 4789): 8-byte header with a 24-bit VNI, then an Ethernet frame.

import type { Frame } from "./frame";
import { decodeEthernet } from "./ethernet";

export const VXLAN_PORT = 4789;

export function decodeVxlan(f: Frame, off: number, end: number): void {
  if (end - off < 8) return f.truncated("VXLAN header needs 8 bytes");
  const vni = f.u32(off + 4) >>> 8;
  if (f.enterTunnel("VXLAN VNI", vni)) decodeEthernet(f, off + 8, end);
}
