// MPLS label stack (ethertypes 0x8847/0x8848, PPP 0x0281): 4-byte entries up to the
// bottom-of-stack bit; the payload is guessed from its first nibble as Wireshark does
// (4 IPv4, 6 IPv6, 0 a pseudowire control word before an Ethernet frame, RFC 4448).

import { PacketFlag } from "../model/packet-table";
import type { Frame } from "./frame";
import { decodeEthernet, dissectEthernet } from "./ethernet";
import type { Dissection } from "./field-tree";
import { decodeIpv4, dissectIpv4 } from "./ipv4";
import { decodeIpv6, dissectIpv6 } from "./ipv6";

export function decodeMpls(f: Frame, off: number, end: number): void {
  let at = off;
  let first = true;
  for (;;) {
    if (end - at < 4) return f.truncated("MPLS label stack entry needs 4 bytes");
    const entry = f.u32(at);
    if (first) {
      (f.o.mplsLabel ?? f.optional("mplsLabel"))[f.r] = entry >>> 12;
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

export function dissectMpls(d: Dissection, off: number, end: number): void {
  let at = off;
  for (;;) {
    const n = d.layer("mpls", "MultiProtocol Label Switching Header", at, 4);
    if (end - at < 4) return d.cut(n, "MPLS label stack entry", at);
    const entry = d.dv.getUint32(at);
    n.label = `MultiProtocol Label Switching Header, Label: ${entry >>> 12}, Exp: ${(entry >> 9) & 7}, S: ${(entry >> 8) & 1}, TTL: ${entry & 0xff}`;
    d.field(n, "mpls.label", `Label: ${entry >>> 12}`, entry >>> 12, at, 3);
    d.field(n, "mpls.exp", `Experimental bits: ${(entry >> 9) & 7}`, (entry >> 9) & 7, at + 2, 1);
    d.field(n, "mpls.bottom", `Bottom of label stack: ${(entry >> 8) & 1}`, (entry >> 8) & 1, at + 2, 1);
    d.field(n, "mpls.ttl", `TTL: ${entry & 0xff}`, entry & 0xff, at + 3, 1);
    at += 4;
    if (entry & 0x100) break;
  }
  if (at >= end) return;
  const version = d.b[at] >> 4;
  if (version === 4) dissectIpv4(d, at, end);
  else if (version === 6) dissectIpv6(d, at, end);
  else if (version === 0) {
    const cw = d.layer("pwethcw", "PW Ethernet Control Word", at, 4);
    d.uint(cw, "pwethcw.sequence_number", "Sequence number", at + 2, 2);
    dissectEthernet(d, at + 4, end);
  } else d.data(at, end);
}
