// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2 = 276, https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html):
// 20-byte header that starts with the ethertype.

import type { Frame } from "./frame";
import { handOffEthertype } from "./registry";

export function decodeSll2(f: Frame, off: number, end: number): void {
  if (end - off < 20) return f.truncated("Linux SLL2 header needs 20 bytes");
  handOffEthertype(f, f.u16(off), off + 20, end);
}
