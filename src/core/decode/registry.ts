// Handoff tables, as Wireshark's dissector tables: which decoder takes over after a link
// type, an ethertype, an IP protocol number or a UDP port. handoffs.ts fills them.

import { L3 } from "../model/packet-table";
import type { Frame } from "./frame";
import type { Dissection, LayerDissector } from "./field-tree";

/** Decodes the header at b[off..end) (end = captured end) into the frame's row. */
export type LayerDecoder = (f: Frame, off: number, end: number) => void;

/** Keyed by 16-bit values; arrays rather than Maps because a lookup happens on every packet. */
type Table = (LayerDecoder | undefined)[];

export const byLinkType = new Map<number, LayerDecoder>();
export const byEthertype: Table = new Array(0x10000);
export const byIpProtocol: Table = new Array(0x100);
export const byUdpPort: Table = new Array(0x10000);

export function handOffEthertype(f: Frame, ethertype: number, off: number, end: number): void {
  const next = byEthertype[ethertype];
  if (next !== undefined) next(f, off, end);
  else f.c.l3[f.r] = L3.OTHER;
}

export function handOffIpProtocol(f: Frame, protocol: number, off: number, end: number): void {
  const next = byIpProtocol[protocol];
  if (next !== undefined) next(f, off, end);
}

/** UDP payload handed to a tunnel decoder by destination port; false when no one takes it. */
export function handOffUdpPort(f: Frame, dstPort: number, off: number, end: number): boolean {
  const next = byUdpPort[dstPort];
  if (next === undefined) return false;
  next(f, off, end);
  return true;
}

/** The same tables for the field-by-field dissection of one packet (dissect.ts). */
export const dissectorByLinkType = new Map<number, LayerDissector>();
export const dissectorByEthertype = new Map<number, LayerDissector>();
export const dissectorByIpProtocol = new Map<number, LayerDissector>();
export const dissectorByUdpPort = new Map<number, LayerDissector>();

/** Hands bytes to the table's dissector, or shows them as data. */
export function dissectNext(d: Dissection, table: Map<number, LayerDissector>, key: number, off: number, end: number): void {
  const next = table.get(key);
  if (next !== undefined) next(d, off, end);
  else d.data(off, end);
}
