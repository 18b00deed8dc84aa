// GRE (RFC 2784/2890, IP protocol 47): flags, protocol type, optional checksum, key and
// sequence number; then ERSPAN, a bridged Ethernet frame (0x6558) or an ethertype's payload.

import type { Frame } from "./frame";
import { decodeEthernet, dissectEthernet } from "./ethernet";
import type { Dissection } from "./field-tree";
import { decodeErspanII, decodeErspanIII, dissectErspanII, dissectErspanIII, GRE_ERSPAN_II, GRE_ERSPAN_III } from "./erspan";
import { TRANSPARENT_ETHERNET } from "./geneve";
import { dissectNext, dissectorByEthertype, handOffEthertype } from "./registry";

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

export function dissectGre(d: Dissection, off: number, end: number): void {
  const n = d.layer("gre", "Generic Routing Encapsulation", off, 4);
  if (end - off < 4) return d.cut(n, "GRE header", off);
  const flags = d.uint(n, "gre.flags_and_version", "Flags and Version", off, 2, (v) => `0x${v.toString(16).padStart(4, "0")}`);
  const protocol = d.uint(n, "gre.proto", "Protocol Type", off + 2, 2, (v) => `0x${v.toString(16).padStart(4, "0")}`);
  let at = off + 4;
  if (flags & (CHECKSUM | ROUTING)) {
    d.uint(n, "gre.checksum", "Checksum", at, 2, (v) => `0x${v.toString(16).padStart(4, "0")}`);
    at += 4;
  }
  if (flags & KEY) {
    d.uint(n, "gre.key", "Key", at, 4, (v) => `0x${v.toString(16).padStart(8, "0")}`);
    at += 4;
  }
  if (flags & SEQUENCE) {
    d.uint(n, "gre.sequence_number", "Sequence Number", at, 4);
    at += 4;
  }
  if ((flags & 7) === 1 && flags & ACK) {
    d.uint(n, "gre.ack_number", "Acknowledgment Number", at, 4);
    at += 4;
  }
  n.length = at - off;
  if (at > end || flags & ROUTING) return d.data(Math.min(at, end), end);
  if (protocol === GRE_ERSPAN_II) dissectErspanII(d, at, end, (flags & SEQUENCE) !== 0);
  else if (protocol === GRE_ERSPAN_III) dissectErspanIII(d, at, end);
  else if (protocol === TRANSPARENT_ETHERNET) dissectEthernet(d, at, end);
  else dissectNext(d, dissectorByEthertype, protocol, at, end);
}
