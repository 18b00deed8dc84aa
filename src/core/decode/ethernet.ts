// Ethernet II / IEEE 802.3 frames (LINKTYPE_ETHERNET = 1): destination, source, ethertype.

import { L3 } from "../model/packet-table";
import type { Frame } from "./frame";
import { dissectNext, dissectorByEthertype, handOffEthertype } from "./registry";
import { hex, macText, type Dissection } from "./field-tree";

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

export function dissectEthernet(d: Dissection, off: number, end: number): void {
  const n = d.layer("eth", `Ethernet II, Src: ${macText(d.b, off + 6)}, Dst: ${macText(d.b, off)}`, off, ETHERNET_HEADER);
  if (end - off < ETHERNET_HEADER) return d.cut(n, "Ethernet header", off);
  d.field(n, "eth.dst", `Destination: ${macText(d.b, off)}`, macText(d.b, off), off, 6);
  d.field(n, "eth.src", `Source: ${macText(d.b, off + 6)}`, macText(d.b, off + 6), off + 6, 6);
  const type = d.dv.getUint16(off + 12);
  if (type <= 1500) {
    n.label = "IEEE 802.3 Ethernet";
    d.uint(n, "eth.len", "Length", off + 12, 2);
    return d.data(off + ETHERNET_HEADER, end);
  }
  d.uint(n, "eth.type", "Type", off + 12, 2, hex(4));
  dissectNext(d, dissectorByEthertype, type, off + ETHERNET_HEADER, end);
}
