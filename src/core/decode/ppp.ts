// PPP (LINKTYPE_PPP = 9, LINKTYPE_PPP_HDLC = 50; RFC 1661/1662): optional FF 03
// address/control bytes, then the (possibly compressed) protocol field.

import { L3 } from "../model/packet-table";
import type { Frame } from "./frame";
import { decodeIpv4, dissectIpv4 } from "./ipv4";
import { decodeIpv6, dissectIpv6 } from "./ipv6";
import { hex, type Dissection } from "./field-tree";
import { decodeMpls, dissectMpls } from "./mpls";

export function decodePpp(f: Frame, off: number, end: number): void {
  let at = off;
  if (end - at >= 2 && f.b[at] === 0xff && f.b[at + 1] === 0x03) at += 2;
  if (at >= end) return f.truncated("PPP protocol field missing");
  // Protocol-field compression: an odd first byte is a one-byte protocol number.
  let protocol: number;
  if (f.b[at] & 1) {
    protocol = f.b[at];
    at += 1;
  } else {
    if (end - at < 2) return f.truncated("PPP protocol field missing");
    protocol = f.u16(at);
    at += 2;
  }
  if (protocol === 0x21) decodeIpv4(f, at, end);
  else if (protocol === 0x57) decodeIpv6(f, at, end);
  else if (protocol === 0x281 || protocol === 0x283) decodeMpls(f, at, end);
  else f.c.l3[f.r] = L3.OTHER;
}

export function dissectPpp(d: Dissection, off: number, end: number): void {
  const n = d.layer("ppp", "Point-to-Point Protocol", off, 4);
  let at = off;
  if (end - at >= 2 && d.b[at] === 0xff && d.b[at + 1] === 0x03) {
    d.uint(n, "ppp.address", "Address", at, 1, hex(2));
    d.uint(n, "ppp.control", "Control", at + 1, 1, hex(2));
    at += 2;
  }
  if (at >= end) return d.cut(n, "PPP protocol", at);
  const size = d.b[at] & 1 ? 1 : 2;
  const protocol = d.uint(n, "ppp.protocol", "Protocol", at, size, hex(4));
  n.length = at + size - off;
  at += size;
  if (protocol === 0x21) dissectIpv4(d, at, end);
  else if (protocol === 0x57) dissectIpv6(d, at, end);
  else if (protocol === 0x281 || protocol === 0x283) dissectMpls(d, at, end);
  else d.data(at, end);
}
