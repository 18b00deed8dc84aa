// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2 = 276, https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html):
// 20-byte header that starts with the ethertype.

import type { Frame } from "./frame";
import { dissectNext, dissectorByEthertype, handOffEthertype } from "./registry";
import { hex, type Dissection } from "./field-tree";
import { dissectSllAddress } from "./sll";

export function decodeSll2(f: Frame, off: number, end: number): void {
  if (end - off < 20) return f.truncated("Linux SLL2 header needs 20 bytes");
  handOffEthertype(f, f.u16(off), off + 20, end);
}

export function dissectSll2(d: Dissection, off: number, end: number): void {
  const n = d.layer("sll", "Linux cooked capture v2", off, 20);
  if (end - off < 20) return d.cut(n, "Linux SLL2 header", off);
  const type = d.uint(n, "sll.etype", "Protocol", off, 2, hex(4));
  d.uint(n, "sll.ifindex", "Interface index", off + 4, 4);
  dissectSllAddress(d, n, off + 10, off + 8, off + 11, off + 12, 1);
  dissectNext(d, dissectorByEthertype, type, off + 20, end);
}
