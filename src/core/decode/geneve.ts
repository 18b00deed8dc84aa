// GENEVE (RFC 8926, UDP port 6081): 8-byte header plus variable options (skipped by their
// total length), then an Ethernet frame (protocol 0x6558) or whatever the ethertype says.

import type { Frame } from "./frame";
import { decodeEthernet } from "./ethernet";
import { handOffEthertype } from "./registry";

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
