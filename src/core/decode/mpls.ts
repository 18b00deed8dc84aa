// MPLS label stack (ethertypes 0x8847/0x8848, PPP 0x0281): 4-byte entries up to the
// bottom-of-stack bit; the payload is guessed from its first nibble as Wireshark does
// (4 IPv4, 6 IPv6, 0 a pseudowire control word before an Ethernet frame, RFC 4448).

import { PacketFlag } from "../model/packet-table";
import type { Frame } from "./frame";
import { decodeEthernet } from "./ethernet";
import { decodeIpv4 } from "./ipv4";
import { decodeIpv6 } from "./ipv6";

export function decodeMpls(f: Frame, off: number, end: number): void {
  let at = off;
  let first = true;
  for (;;) {
    if (end - at < 4) return f.truncated("MPLS label stack entry needs 4 bytes");
    const entry = f.u32(at);
    if (first) {
      f.optional("mplsLabel")[f.r] = entry >>> 12;
      f.c.flags[f.r] |= PacketFlag.MPLS;
      first = false;
    }
    at += 4;
    if (entry & 0x100) break;
  }
  if (at >= end) return;
  const version = f.b[at] >> 4;
  if (version === 4) decodeIpv4(f, at, end);
  else if (version === 6) decodeIpv6(f, at, end);
  else if (version === 0) decodeEthernet(f, at + 4, end);
}
