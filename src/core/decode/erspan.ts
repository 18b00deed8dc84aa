// ERSPAN mirrored frames inside GRE (draft-foschiano-erspan): type I (0x88be, no sequence
// number, no header), type II (0x88be, 8-byte header), type III (0x22eb, 12 bytes plus an
// optional 8-byte platform sub-header; frame type 0 is Ethernet, 2 is IP).

import type { Frame } from "./frame";
import { decodeEthernet, dissectEthernet } from "./ethernet";
import type { Dissection } from "./field-tree";
import { decodeRawIp, dissectRawIp } from "./raw";

export const GRE_ERSPAN_II = 0x88be;
export const GRE_ERSPAN_III = 0x22eb;

/** Type I and II: the GRE sequence-number bit tells them apart. */
export function decodeErspanII(f: Frame, off: number, end: number, hasSequence: boolean): void {
  if (!hasSequence) {
    if (f.enterTunnel("ERSPAN I", -1)) decodeEthernet(f, off, end);
    return;
  }
  if (end - off < 8) return f.truncated("ERSPAN II header needs 8 bytes");
  if (f.enterTunnel("ERSPAN II session", f.u16(off + 2) & 0x3ff)) decodeEthernet(f, off + 8, end);
}

export function decodeErspanIII(f: Frame, off: number, end: number): void {
  if (end - off < 12) return f.truncated("ERSPAN III header needs 12 bytes");
  const last = f.u16(off + 10);
  const frameType = (last >> 10) & 0x1f;
  const headerLength = last & 1 ? 20 : 12;
  if (end - off < headerLength) return f.truncated("ERSPAN III platform sub-header runs past the capture");
  // Other frame types carry something we cannot decode: the row keeps the outer packet.
  if (frameType !== 0 && frameType !== 2) return;
  if (!f.enterTunnel("ERSPAN III session", f.u16(off + 2) & 0x3ff)) return;
  if (frameType === 0) decodeEthernet(f, off + headerLength, end);
  else decodeRawIp(f, off + headerLength, end);
}

export function dissectErspanII(d: Dissection, off: number, end: number, hasSequence: boolean): void {
  if (!hasSequence) return dissectEthernet(d, off, end);
  const n = d.layer("erspan", "Encapsulated Remote Switch Packet ANalysis Type II", off, 8);
  if (end - off < 8) return d.cut(n, "ERSPAN II header", off);
  d.field(n, "erspan.version", `Version: ${d.b[off] >> 4}`, d.b[off] >> 4, off, 1);
  d.field(n, "erspan.vlan", `Vlan: ${d.dv.getUint16(off) & 0xfff}`, d.dv.getUint16(off) & 0xfff, off, 2);
  d.field(n, "erspan.cos", `COS: ${d.b[off + 2] >> 5}`, d.b[off + 2] >> 5, off + 2, 1);
  d.field(n, "erspan.spanid", `SpanID: ${d.dv.getUint16(off + 2) & 0x3ff}`, d.dv.getUint16(off + 2) & 0x3ff, off + 2, 2);
  d.field(n, "erspan.index", `Index: ${d.dv.getUint32(off + 4) & 0xfffff}`, d.dv.getUint32(off + 4) & 0xfffff, off + 4, 4);
  dissectEthernet(d, off + 8, end);
}

export function dissectErspanIII(d: Dissection, off: number, end: number): void {
  const n = d.layer("erspan", "Encapsulated Remote Switch Packet ANalysis Type III", off, 12);
  if (end - off < 12) return d.cut(n, "ERSPAN III header", off);
  const last = d.dv.getUint16(off + 10);
  const frameType = (last >> 10) & 0x1f;
  const headerLength = last & 1 ? 20 : 12;
  d.field(n, "erspan.version", `Version: ${d.b[off] >> 4}`, d.b[off] >> 4, off, 1);
  d.field(n, "erspan.vlan", `Vlan: ${d.dv.getUint16(off) & 0xfff}`, d.dv.getUint16(off) & 0xfff, off, 2);
  d.field(n, "erspan.spanid", `SpanID: ${d.dv.getUint16(off + 2) & 0x3ff}`, d.dv.getUint16(off + 2) & 0x3ff, off + 2, 2);
  d.uint(n, "erspan.timestamp", "Timestamp", off + 4, 4);
  d.uint(n, "erspan.sgt", "Security Group Tag", off + 8, 2);
  d.field(n, "erspan.ft", `Frame Type: ${frameType === 0 ? "Ethernet" : frameType === 2 ? "IP" : `Unknown (${frameType})`}`, frameType, off + 10, 2);
  d.field(n, "erspan.direction", `Direction: ${last & 8 ? "Egress" : "Ingress"}`, (last >> 3) & 1, off + 10, 2);
  n.length = headerLength;
  if (end - off < headerLength) return d.cut(n, "ERSPAN III platform sub-header", off + 12);
  if (frameType === 0) dissectEthernet(d, off + headerLength, end);
  else if (frameType === 2) dissectRawIp(d, off + headerLength, end);
  else d.data(off + headerLength, end);
}
