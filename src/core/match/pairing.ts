// Flow pairing across NAT: index B's packet identities, let every packet of A vote for the
// B flow holding the same identity, then assign pairs one-to-one by votes. Linear in the
// packet count: no comparison of all flows with all flows.

import { NO_FLOW, type Flow, type FlowTable } from "../flows/flow-table";
import { ABSENT, IdentityMap, NO_VOTE } from "./identity";
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

/**
 * Share of the smaller flow's packets that must have their identity in the other flow. Below
 * it, the few shared identities are generic ones (a bare ACK at relative seq 1 with no
 * timestamps looks the same in every connection) and the flows are not the same session;
 * loss on the way still leaves the smaller flow mostly matched.
 */
const MIN_SHARED = 0.2;

function packetsOf(f: Flow): number {
  return f.packets[0] + f.packets[1];
}

function isIcmp(f: Flow): boolean {
  return f.kind === "icmp" || f.kind === "icmpv6";
}

function compatible(fa: Flow, fb: Flow): boolean {
  // Multicast and broadcast stay on their segment: two such flows only look alike (SSDP, LAN discovery).
  if (fa.toGroup || fb.toGroup) return false;
  return fa.kind === fb.kind || (isIcmp(fa) && isIcmp(fb));
}

/** Votes of one A flow for one B flow, split by whether the two flows agree on who is the client. */
interface Candidate {
  a: number;
  b: number;
  same: number;
  opposite: number;
}

/** Partitions of the rows by their identity's top bits: each partition's map stays in the CPU cache (a million-row map does not). */
const PARTITION_BITS = 6;
const PARTITIONS = 1 << PARTITION_BITS;

/**
 * The rows of untaken flows as (flow * 2 + direction) with their identities, grouped by
 * partition, in file order within one: the votes need nothing else of a row, and reading it
 * here keeps the per-partition passes off the million-row columns.
 */
interface PartitionedRows {
  flowDirections: Uint32Array;
  keys: Float64Array;
  /** Partition p is flowDirections[start[p] .. start[p+1]-1]. */
  start: Uint32Array;
}

function partitionOf(key: number): number {
  return (key / 0x100000) >>> (32 - PARTITION_BITS);
}

function partitionRows(flows: FlowTable, key: (row: number) => number, taken: Uint8Array): PartitionedRows {
  const n = flows.flowOfRow.length;
  let count = 0;
  const start = new Uint32Array(PARTITIONS + 1);
  for (let row = 0; row < n; row++) {
    const f = flows.flowOfRow[row];
    if (f === NO_FLOW || taken[f]) continue;
    count++;
    start[partitionOf(key(row)) + 1]++;
  }
  for (let p = 0; p < PARTITIONS; p++) start[p + 1] += start[p];
  const fill = start.slice(0, PARTITIONS);
  const flowDirections = new Uint32Array(count);
  const keys = new Float64Array(count);
  // The key is asked again rather than kept from the counting pass: 8 bytes a row less at the diff's peak.
  for (let row = 0; row < n; row++) {
    const f = flows.flowOfRow[row];
    if (f === NO_FLOW || taken[f]) continue;
    const identity = key(row);
    const at = fill[partitionOf(identity)]++;
    flowDirections[at] = f * 2 + flows.directionOfRow[row];
    keys[at] = identity;
  }
  return { flowDirections, keys, start };
}

function vote(
  flowsA: FlowTable,
  keyA: (row: number) => number,
  flowsB: FlowTable,
  keyB: (row: number) => number,
  takenA: Uint8Array,
  takenB: Uint8Array,
): Candidate[] {
  const inB = partitionRows(flowsB, keyB, takenB);
  const inA = partitionRows(flowsA, keyA, takenA);
  // Per A flow, its first candidate directly, others by B flow (small integer keys: no boxed composite ids).
  // Candidates are counted in partition order; assign() ranks them by a total order, so that order does not matter.
  const primary: (Candidate | undefined)[] = new Array(flowsA.flows.length);
  const others: (Map<number, Candidate> | undefined)[] = new Array(flowsA.flows.length);
  const all: Candidate[] = [];
  const owner = new IdentityMap(0);
  for (let p = 0; p < PARTITIONS; p++) {
    // Identity -> flow * 2 + direction of the first B row holding it, or AMBIGUOUS when rows of several B flows hold it.
    owner.clear(inB.start[p + 1] - inB.start[p]);
    for (let k = inB.start[p]; k < inB.start[p + 1]; k++) {
      const flowDirection = inB.flowDirections[k];
      const key = inB.keys[k];
      if (key === NO_VOTE) continue;
      const seen = owner.get(key);
      if (seen === ABSENT) owner.set(key, flowDirection);
      else if (seen !== AMBIGUOUS && seen >>> 1 !== flowDirection >>> 1) owner.set(key, AMBIGUOUS);
    }
    for (let k = inA.start[p]; k < inA.start[p + 1]; k++) {
      if (inA.keys[k] === NO_VOTE) continue;
      const ownerB = owner.get(inA.keys[k]);
      if (ownerB < 0) continue;
      const fa = inA.flowDirections[k] >>> 1;
      const fb = ownerB >>> 1;
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
      if ((inA.flowDirections[k] & 1) === (ownerB & 1)) c.same++;
      else c.opposite++;
    }
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
    const fa = flowsA.flows.at(c.a);
    const fb = flowsB.flows.at(c.b);
    if (!compatible(fa, fb)) continue;
    if (c.same + c.opposite < MIN_SHARED * Math.min(packetsOf(fa), packetsOf(fb))) continue;
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
