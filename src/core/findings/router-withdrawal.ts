// SCENARIOS S9: an IPv6 router advertisement with router lifetime 0, or a neighbour
// advertisement for a router's address with the Router flag clear, makes hosts (Windows
// among them) delete their default route through that router: raise it as a finding.

import type { Finding } from "../match/types";
import type { PacketTable } from "../model/packet-table";

const CAPTURE_NAMES = ["A", "B"];
const FRAMES_LISTED = 5;

interface Withdrawal {
  router: string;
  how: "ra-lifetime-0" | "na-router-flag-clear";
  frames: number[];
}

function framesText(frames: number[]): string {
  const listed = frames.slice(0, FRAMES_LISTED).join(", ");
  const more = frames.length > FRAMES_LISTED ? ` and ${frames.length - FRAMES_LISTED} more` : "";
  return `${frames.length === 1 ? "frame" : "frames"} ${listed}${more}`;
}

/**
 * Scans one capture's decoded RAs and NAs in frame order. A router is known from an RA it
 * sent or from an NA with the Router flag set; an NA with the flag clear only withdraws
 * an address known as a router by then.
 */
export function routerWithdrawals(table: PacketTable, capture: 0 | 1): Finding[] {
  const routers = new Set<string>();
  const found = new Map<string, Withdrawal>();
  const note = (router: string, how: Withdrawal["how"], row: number) => {
    const key = `${how} ${router}`;
    const w = found.get(key) ?? { router, how, frames: [] };
    w.frames.push(row + 1);
    found.set(key, w);
  };
  const rows = [...table.sparse.ndp.keys()].sort((x, y) => x - y);
  for (const row of rows) {
    const ndp = table.sparse.ndp.get(row)!;
    if (ndp.kind === "router-advertisement") {
      const router = table.addresses.text[table.columns.src[row]];
      routers.add(router);
      if (ndp.routerLifetime === 0) note(router, "ra-lifetime-0", row);
    } else if (ndp.target !== undefined) {
      if (ndp.router) routers.add(ndp.target);
      else if (routers.has(ndp.target)) note(ndp.target, "na-router-flag-clear", row);
    }
  }
  const where = CAPTURE_NAMES[capture];
  return [...found.values()].map((w) => ({
    severity: "problem",
    code: "ipv6-router-withdrawn",
    title:
      w.how === "ra-lifetime-0"
        ? `IPv6 router ${w.router} withdrew itself as default router (router lifetime 0)`
        : `IPv6 router ${w.router} advertised without the Router flag`,
    text:
      (w.how === "ra-lifetime-0"
        ? `A router advertisement from ${w.router} with router lifetime 0`
        : `A neighbour advertisement for ${w.router}, known as a router, with the Router (R) flag clear`) +
      ` (capture ${where}, ${framesText(w.frames)}) makes hosts that receive it delete their IPv6 default route through ${w.router}.`,
    sessions: [],
  }));
}
