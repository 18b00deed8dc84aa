// IEEE 802.1Q VLAN tags (ethertype 0x8100) and 802.1ad service tags (0x88a8, old 0x9100):
// TCI (priority, DEI, 12-bit VLAN id) then the next ethertype.

import { PacketFlag } from "../model/packet-table";
import type { Frame } from "./frame";
import { handOffEthertype } from "./registry";

export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
export const ETHERTYPE_QINQ_OLD = 0x9100;

export function decodeVlan(f: Frame, off: number, end: number): void {
  if (end - off < 4) return f.truncated("802.1Q tag needs 4 bytes");
  const id = f.u16(off) & 0xfff;
  const vlan = f.optional("vlan");
  const r = f.r;
  // Outer tag in the high half, inner tag in the low half; later tags are not kept.
  if ((f.c.flags[r] & PacketFlag.VLAN) === 0) vlan[r] = ((id << 16) | 0xffff) >>> 0;
  else if ((vlan[r] & 0xffff) === 0xffff) vlan[r] = ((vlan[r] & 0xffff0000) | id) >>> 0;
  f.c.flags[r] |= PacketFlag.VLAN;
  handOffEthertype(f, f.u16(off + 2), off + 4, end);
}
