// GRE (RFC 2784/2890, IP protocol 47): flags, protocol type, optional checksum, key and
// sequence number; then ERSPAN, a bridged Ethernet frame (0x6558) or an ethertype's payload.

import type { Frame } from "./frame";
import { decodeEthernet } from "./ethernet";
import { decodeErspanII, decodeErspanIII, GRE_ERSPAN_II, GRE_ERSPAN_III } from "./erspan";
import { TRANSPARENT_ETHERNET } from "./geneve";
import { handOffEthertype } from "./registry";

export const IP_PROTOCOL_GRE = 47;

const CHECKSUM = 0x8000;
const ROUTING = 0x4000;
const KEY = 0x2000;
const SEQUENCE = 0x1000;
/** Enhanced GRE (version 1, PPTP): acknowledgement number present. */
const ACK = 0x0080;

export function decodeGre(f: Frame, off: number, end: number): void {
  if (end - off < 4) return f.truncated("GRE header needs 4 bytes");
  const flags = f.u16(off);
  const version = flags & 7;
  if (version > 1) return f.malformed(`GRE version ${version}`);
  if (flags & ROUTING) return;
  const protocol = f.u16(off + 2);
  let at = off + 4;
  if (flags & CHECKSUM) at += 4;
  let key = -1;
  if (flags & KEY) {
    if (end - at < 4) return f.truncated("GRE key runs past the capture");
    key = f.u32(at);
    at += 4;
  }
  if (flags & SEQUENCE) at += 4;
  if (version === 1 && flags & ACK) at += 4;
  if (at > end) return f.truncated("GRE header runs past the capture");
  if (protocol === GRE_ERSPAN_II) return decodeErspanII(f, at, end, (flags & SEQUENCE) !== 0);
  if (protocol === GRE_ERSPAN_III) return decodeErspanIII(f, at, end);
  if (!f.enterTunnel(key >= 0 ? "GRE key" : "GRE", key)) return;
  if (protocol === TRANSPARENT_ETHERNET) decodeEthernet(f, at, end);
  else handOffEthertype(f, protocol, at, end);
}
