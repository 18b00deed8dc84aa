// IEEE 802.1Q VLAN tags (ethertype 0x8100) and 802.1ad service tags (0x88a8, old 0x9100):
// TCI (priority, DEI, 12-bit VLAN id) then the next ethertype.

import { PacketFlag } from "../model/packet-table";
import type { Frame } from "./frame";
import { dissectNext, dissectorByEthertype, handOffEthertype } from "./registry";
import { hex, type Dissection } from "./field-tree";

export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERTYPE_QINQ_OLD = 0x9100;

export function decodeVlan(f: Frame, off: number, end: number): void {
  if (end - off < 4) return f.truncated("802.1Q tag needs 4 bytes");
  const id = f.u16(off) & 0xfff;
  const vlan = f.o.vlan ?? f.optional("vlan");
  const r = f.r;
  // Outer tag in the high half, inner tag in the low half; later tags are not kept.
  if ((f.c.flags[r] & PacketFlag.VLAN) === 0) vlan[r] = ((id << 16) | 0xffff) >>> 0;
  else if ((vlan[r] & 0xffff) === 0xffff) vlan[r] = ((vlan[r] & 0xffff0000) | id) >>> 0;
  f.c.flags[r] |= PacketFlag.VLAN;
  handOffEthertype(f, f.u16(off + 2), off + 4, end);
}

function dissectTag(d: Dissection, off: number, end: number, name: string, title: string): void {
  const n = d.layer(name, title, off, 4);
  if (end - off < 4) return d.cut(n, `${title} tag`, off);
  const tci = d.dv.getUint16(off);
  n.label = `${title}, PRI: ${tci >> 13}, DEI: ${(tci >> 12) & 1}, ID: ${tci & 0xfff}`;
  d.field(n, `${name}.priority`, `Priority: ${tci >> 13}`, tci >> 13, off, 2);
  d.field(n, `${name}.dei`, `DEI: ${(tci >> 12) & 1}`, (tci >> 12) & 1, off, 2);
  d.field(n, `${name}.id`, `ID: ${tci & 0xfff}`, tci & 0xfff, off, 2);
  const type = d.uint(n, `${name}.etype`, "Type", off + 2, 2, hex(4));
  dissectNext(d, dissectorByEthertype, type, off + 4, end);
}

export function dissectVlan(d: Dissection, off: number, end: number): void {
  dissectTag(d, off, end, "vlan", "802.1Q Virtual LAN");
}

/** 802.1ad service tag: the same layout, named as Wireshark names it. */
export function dissectServiceTag(d: Dissection, off: number, end: number): void {
  dissectTag(d, off, end, "ieee8021ad", "IEEE 802.1ad");
}
