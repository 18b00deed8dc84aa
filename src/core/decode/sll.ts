// Linux cooked capture v1 (LINKTYPE_LINUX_SLL = 113, https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html):
// 16-byte header whose last field is the ethertype.

import type { Frame } from "./frame";
import { dissectNext, dissectorByEthertype, handOffEthertype } from "./registry";
import { hex, macText, type Dissection, type FieldNode } from "./field-tree";

export function decodeSll(f: Frame, off: number, end: number): void {
  if (end - off < 16) return f.truncated("Linux SLL header needs 16 bytes");
  handOffEthertype(f, f.u16(off + 14), off + 16, end);
}

const PACKET_TYPES = ["Unicast to us", "Broadcast", "Multicast", "Unicast to another host", "Sent by us"];

/** The fields SLL v1 and v2 share (packet type, ARPHRD type, link-layer address), at their offsets. */
export function dissectSllAddress(d: Dissection, n: FieldNode, typeAt: number, hatypeAt: number, lengthAt: number, addressAt: number, lengthSize: 1 | 2): void {
  d.uint(n, "sll.pkttype", "Packet type", typeAt, lengthSize, (v) => PACKET_TYPES[v] ?? String(v));
  d.uint(n, "sll.hatype", "Link-layer address type", hatypeAt, 2);
  const length = d.uint(n, "sll.halen", "Link-layer address length", lengthAt, lengthSize);
  if (length === 6) d.field(n, "sll.src.eth", `Source: ${macText(d.b, addressAt)}`, macText(d.b, addressAt), addressAt, 6);
}

export function dissectSll(d: Dissection, off: number, end: number): void {
  const n = d.layer("sll", "Linux cooked capture v1", off, 16);
  if (end - off < 16) return d.cut(n, "Linux SLL header", off);
  dissectSllAddress(d, n, off, off + 2, off + 4, off + 6, 2);
  const type = d.uint(n, "sll.etype", "Protocol", off + 14, 2, hex(4));
  dissectNext(d, dissectorByEthertype, type, off + 16, end);
}
