// Ethernet II / IEEE 802.3 frames (LINKTYPE_ETHERNET = 1): destination, source, ethertype.

import { L3 } from "../model/packet-table";
import type { Frame } from "./frame";
import { handOffEthertype } from "./registry";

export const ETHERNET_HEADER = 14;

export function decodeEthernet(f: Frame, off: number, end: number): void {
  if (end - off < ETHERNET_HEADER) return f.truncated("Ethernet header needs 14 bytes");
  const type = f.u16(off + 12);
  // Values up to 1500 are an 802.3 length field: LLC follows (STP, CDP...), no IP.
  if (type <= 1500) {
    f.c.l3[f.r] = L3.OTHER;
    return;
  }
  handOffEthertype(f, type, off + ETHERNET_HEADER, end);
}
