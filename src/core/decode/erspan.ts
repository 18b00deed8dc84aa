// ERSPAN mirrored frames inside GRE (draft-foschiano-erspan): type I (0x88be, no sequence
// number, no header), type II (0x88be, 8-byte header), type III (0x22eb, 12 bytes plus an
// optional 8-byte platform sub-header; frame type 0 is Ethernet, 2 is IP).

import type { Frame } from "./frame";
import { decodeEthernet } from "./ethernet";
import { decodeRawIp } from "./raw";

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
