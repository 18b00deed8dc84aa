// Flow pairing across NAT: index B's packet identities, let every packet of A vote for the
// B flow holding the same identity, then assign pairs one-to-one by votes. Linear in the
// packet count: no comparison of all flows with all flows.

import { NO_FLOW, type Flow, type FlowTable } from "../flows/flow-table";
import { ABSENT, IdentityMap } from "./identity";
import type { DiffOptions } from "./types";

export interface FlowPair {
  a: number;
  b: number;
  /** Packets of A whose identity was found in flow b. */
  votes: number;
  /** False when B's flow has client and server the other way round. */
  sameOrientation: boolean;
  /** "exact": identities with IP ID; "loose": without (IP ID rewritten, NAT64); "manual": by the user. */
  by: "exact" | "loose" | "manual";
}

/** Identities shared by more flows than this say nothing about which flow is the partner. */
const AMBIGUOUS = -2;

function compatible(fa: Flow, fb: Flow): boolean {
  const icmp = (f: Flow) => f.kind === "icmp" || f.kind === "icmpv6";
  // Multicast and broadcast stay on their segment: two such flows only look alike (SSDP, LAN discovery).
  if (fa.toGroup || fb.toGroup) return false;
  return fa.kind === fb.kind || (icmp(fa) && icmp(fb));
}

/** Votes of one A flow for one B flow, split by whether the two flows agree on who is the client. */
interface Candidate {
  a: number;
  b: number;
  same: number;
  opposite: number;
}

function vote(
  flowsA: FlowTable,
  keyA: (row: number) => number,
  flowsB: FlowTable,
  keyB: (row: number) => number,
  takenA: Uint8Array,
  takenB: Uint8Array,
): Candidate[] {
  const owner = new IdentityMap(flowsB.flowRows.length);
  for (let row = 0; row < flowsB.flowOfRow.length; row++) {
    const f = flowsB.flowOfRow[row];
    if (f === NO_FLOW || takenB[f]) continue;
    const key = keyB(row);
    const seen = owner.get(key);
    if (seen === ABSENT) owner.set(key, row);
    else if (seen !== AMBIGUOUS && flowsB.flowOfRow[seen] !== f) owner.set(key, AMBIGUOUS);
  }
  // Per A flow, its first candidate directly, others by B flow (small integer keys: no boxed composite ids).
  const primary: (Candidate | undefined)[] = new Array(flowsA.flows.length);
  const others: (Map<number, Candidate> | undefined)[] = new Array(flowsA.flows.length);
  const all: Candidate[] = [];
  for (let row = 0; row < flowsA.flowOfRow.length; row++) {
    const fa = flowsA.flowOfRow[row];
    if (fa === NO_FLOW || takenA[fa]) continue;
    const rowB = owner.get(keyA(row));
    if (rowB < 0) continue;
    const fb = flowsB.flowOfRow[rowB];
    let c = primary[fa];
    if (!c) {
      c = primary[fa] = { a: fa, b: fb, same: 0, opposite: 0 };
      all.push(c);
    } else if (c.b !== fb) {
      let mine = others[fa];
      if (!mine) others[fa] = mine = new Map();
      c = mine.get(fb);
      if (!c) {
        c = { a: fa, b: fb, same: 0, opposite: 0 };
        mine.set(fb, c);
        all.push(c);
      }
    }
    if (flowsA.directionOfRow[row] === flowsB.directionOfRow[rowB]) c.same++;
    else c.opposite++;
  }
  return all;
}

function assign(
  candidates: Candidate[],
  flowsA: FlowTable,
  flowsB: FlowTable,
  takenA: Uint8Array,
  takenB: Uint8Array,
  rejected: Set<string>,
  by: FlowPair["by"],
  out: FlowPair[],
): void {
  const ranked = candidates.sort((x, y) => y.same + y.opposite - (x.same + x.opposite) || x.a - y.a || x.b - y.b);
  for (const c of ranked) {
    if (takenA[c.a] || takenB[c.b] || rejected.has(`${c.a}/${c.b}`)) continue;
    if (!compatible(flowsA.flows[c.a], flowsB.flows[c.b])) continue;
    takenA[c.a] = 1;
    takenB[c.b] = 1;
    out.push({ a: c.a, b: c.b, votes: c.same + c.opposite, sameOrientation: c.same >= c.opposite, by });
  }
}

/**
 * Pairs flows of A with flows of B: manual pairs first, then by exact identities, then the
 * flows left over by identities without IP ID (computed only for those flows' rows).
 */
export function pairFlows(
  flowsA: FlowTable,
  exactA: Float64Array,
  looseA: (row: number) => number,
  flowsB: FlowTable,
  exactB: Float64Array,
  looseB: (row: number) => number,
  options: DiffOptions = {},
): FlowPair[] {
  const takenA = new Uint8Array(flowsA.flows.length);
  const takenB = new Uint8Array(flowsB.flows.length);
  const pairs: FlowPair[] = [];
  for (const { a, b } of options.manualPairs ?? []) {
    if (a < 0 || b < 0 || a >= takenA.length || b >= takenB.length || takenA[a] || takenB[b]) continue;
    takenA[a] = 1;
    takenB[b] = 1;
    pairs.push({ a, b, votes: 0, sameOrientation: true, by: "manual" });
  }
  const rejected = new Set((options.manualUnpairs ?? []).map(({ a, b }) => `${a}/${b}`));
  assign(vote(flowsA, (row) => exactA[row], flowsB, (row) => exactB[row], takenA, takenB), flowsA, flowsB, takenA, takenB, rejected, "exact", pairs);
  assign(vote(flowsA, looseA, flowsB, looseB, takenA, takenB), flowsA, flowsB, takenA, takenB, rejected, "loose", pairs);
  return pairs;
}
