// Raw IP link types: LINKTYPE_RAW (101, and DLT_RAW's 12 / 14 as some systems write it),
// whose version nibble says IPv4 or IPv6, and LINKTYPE_IPV4 (228) / LINKTYPE_IPV6 (229).

import { L3 } from "../model/packet-table";
import type { Frame } from "./frame";
import { decodeIpv4, dissectIpv4 } from "./ipv4";
import { decodeIpv6, dissectIpv6 } from "./ipv6";
import type { Dissection } from "./field-tree";

export function decodeRawIp(f: Frame, off: number, end: number): void {
  if (off >= end) return f.truncated("empty raw IP packet");
  const version = f.b[off] >> 4;
  if (version === 4) decodeIpv4(f, off, end);
  else if (version === 6) decodeIpv6(f, off, end);
  else {
    f.c.l3[f.r] = L3.OTHER;
    f.malformed(`raw IP packet with version ${version}`);
  }
}

export function dissectRawIp(d: Dissection, off: number, end: number): void {
  const version = off < end ? d.b[off] >> 4 : 0;
  if (version === 4) dissectIpv4(d, off, end);
  else if (version === 6) dissectIpv6(d, off, end);
  else d.data(off, end);
}
