// Linux cooked capture v1 (LINKTYPE_LINUX_SLL = 113, https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html):
// 16-byte header whose last field is the ethertype.

import type { Frame } from "./frame";
import { handOffEthertype } from "./registry";

export function decodeSll(f: Frame, off: number, end: number): void {
  if (end - off < 16) return f.truncated("Linux SLL header needs 16 bytes");
  handOffEthertype(f, f.u16(off + 14), off + 16, end);
}
