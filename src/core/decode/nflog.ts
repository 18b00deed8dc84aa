// Linux NFLOG (LINKTYPE_NFLOG = 239, https://www.tcpdump.org/linktypes/LINKTYPE_NFLOG.html):
// 4-byte header (address family, version, resource id) then TLVs whose length and type are
// in the capturing host's byte order; type 9 (NFULA_PAYLOAD) holds the IP packet.

import { L3 } from "../model/packet-table";
import type { Frame } from "./frame";
import type { ByteView } from "./payload";
import { decodeIpv4, dissectIpv4 } from "./ipv4";
import { decodeIpv6, dissectIpv6 } from "./ipv6";
import type { Dissection } from "./field-tree";

const NFULA_PAYLOAD = 9;

/** Walks the TLVs in the given byte order; returns the offset of the payload TLV or -1. */
function findPayload(f: ByteView, off: number, end: number, littleEndian: boolean): number {
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

const TLV_NAMES: Record<number, string> = { 1: "NFULA_PACKET_HDR", 2: "NFULA_MARK", 3: "NFULA_TIMESTAMP", 4: "NFULA_IFINDEX_INDEV", 5: "NFULA_IFINDEX_OUTDEV", 9: "NFULA_PAYLOAD", 10: "NFULA_PREFIX", 11: "NFULA_UID", 14: "NFULA_GID" };

export function dissectNflog(d: Dissection, off: number, end: number): void {
  const n = d.layer("nflog", "Linux Netfilter NFLOG", off, 4);
  if (end - off < 4) return d.cut(n, "NFLOG header", off);
  const family = d.uint(n, "nflog.family", "Family", off, 1);
  d.uint(n, "nflog.version", "Version", off + 1, 1);
  d.uint(n, "nflog.res_id", "Resource id", off + 2, 2);
  const littleEndian = findPayload(d, off, end, true) >= 0 || findPayload(d, off, end, false) < 0;
  let at = off + 4;
  while (end - at >= 4) {
    const length = d.dv.getUint16(at, littleEndian);
    const type = d.dv.getUint16(at + 2, littleEndian) & 0x7fff;
    if (length < 4 || at + length > end) break;
    const tlv = d.field(n, "nflog.tlv", `TLV ${TLV_NAMES[type] ?? type}, length ${length}`, type, at, length);
    d.field(tlv, "nflog.tlv_length", `Length: ${length}`, length, at, 2);
    d.field(tlv, "nflog.tlv_type", `Type: ${TLV_NAMES[type] ?? type}`, type, at + 2, 2);
    if (type === NFULA_PAYLOAD) {
      n.length = at + 4 - off;
      if (family === 2) dissectIpv4(d, at + 4, at + length);
      else if (family === 10) dissectIpv6(d, at + 4, at + length);
      else d.data(at + 4, at + length);
      return;
    }
    at += (length + 3) & ~3;
  }
  n.length = at - off;
}
