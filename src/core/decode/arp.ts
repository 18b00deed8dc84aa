// ARP (ethertype 0x0806): only marks the row; the addresses it carries are not IP endpoints.

import { L3 } from "../model/packet-table";
import type { Frame } from "./frame";

export function decodeArp(f: Frame): void {
  f.c.l3[f.r] = L3.ARP;
}
