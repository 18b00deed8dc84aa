// Linux NFLOG (LINKTYPE_NFLOG = 239, https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html):
// 4-byte header (address family, version, resource id) then TLVs whose length and type are
// in the capturing host's byte order; type 9 (NFULA_PAYLOAD) holds the IP packet.

import { L3 } from "../model/packet-table";
import type { Frame } from "./frame";
import { decodeIpv4 } from "./ipv4";
import { decodeIpv6 } from "./ipv6";

const NFULA_PAYLOAD = 9;

/** Walks the TLVs in the given byte order; returns the offset of the payload TLV or -1. */
function findPayload(f: Frame, off: number, end: number, littleEndian: boolean): number {
  let at = off + 4;
  while (end - at >= 4) {
    const length = f.dv.getUint16(f.base + at, littleEndian);
    const type = f.dv.getUint16(f.base + at + 2, littleEndian) & 0x7fff;
    if (length < 4 || at + length > end) return -1;
    if (type === NFULA_PAYLOAD) return at;
    at += (length + 3) & ~3;
  }
  return -1;
}

export function decodeNflog(f: Frame, off: number, end: number): void {
  if (end - off < 4) return f.truncated("NFLOG header needs 4 bytes");
  let littleEndian = true;
  let tlv = findPayload(f, off, end, littleEndian);
  if (tlv < 0) tlv = findPayload(f, off, end, (littleEndian = false));
  if (tlv < 0) {
    f.c.l3[f.r] = L3.OTHER;
    return;
  }
  const payloadEnd = tlv + f.dv.getUint16(f.base + tlv, littleEndian);
  const family = f.b[off];
  if (family === 2) decodeIpv4(f, tlv + 4, payloadEnd);
  else if (family === 10) decodeIpv6(f, tlv + 4, payloadEnd);
  else f.c.l3[f.r] = L3.OTHER;
}
