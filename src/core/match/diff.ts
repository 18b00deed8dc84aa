// Compares two captures of the same traffic: pairs sessions across NAT, aligns their
// packets, fits the clock model, and turns what is left over into events (lost, injected,
// duplicated, reordered, modified, outside the other capture's window).

import { buildFlowTable, endpointText, NO_FLOW, type FlowList, type FlowTable } from "../flows/flow-table";
import { relativeSeconds, type PacketTable } from "../model/packet-table";
import { buildFindings } from "../findings/findings";
import { delaySpikes } from "../findings/delay-spikes";
import { routerWithdrawals } from "../findings/router-withdrawal";
import { matchByIdentity, matchBySequenceRange, sequenceOffset, tcpHeaderKey, tcpLooseKey, type DirectionSide } from "./align";
import { bOnAClock, estimateClock, type DelaySamples } from "./clock";
import { ABSENT, IdentityMap, exactIdentity, identityOf, looseIdentity, looseVotingIdentity } from "./identity";
import { pairFlows } from "./pairing";
import { comparePair, RewriteTallies, tallyRewrites } from "./rewrites";
import { planSessions, type SessionPlan } from "./sessions";
import {
  Direction,
  DIRECTIONS,
  RowFlag,
  RowStatus,
  directionName,
  type AlignedRows,
  type CaptureSummary,
  type ClockModel,
  type DiffEvent,
  type DiffOptions,
  type DiffResult,
  type FieldDiff,
  type Rewrite,
  type Session,
  type SessionCounts,
} from "./types";

/** Seconds of clock error tolerated when a copy seems to arrive before it was sent. */
const CAUSALITY_SLACK = 0.002;

function firstSecond(a: PacketTable, b: PacketTable): number {
  let min = Infinity;
  for (const t of [a, b]) for (let i = 0; i < t.count; i++) min = Math.min(min, t.columns.tsSec[i]);
  return Number.isFinite(min) ? min : 0;
}

function relativeTimes(t: PacketTable, origin: number): Float64Array {
  const out = new Float64Array(t.count);
  for (let i = 0; i < t.count; i++) out[i] = relativeSeconds(t, i, origin);
  return out;
}

function identities(t: PacketTable, flows: FlowTable, of: (t: PacketTable, row: number) => number): Float64Array {
  const out = new Float64Array(t.count);
  for (let row = 0; row < t.count; row++) if (flows.flowOfRow[row] !== NO_FLOW) out[row] = of(t, row);
  return out;
}

function range(times: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const v = times[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Rows of every (session, direction) bucket, each bucket's rows in time order: bucket k is rows[start[k] .. start[k+1]-1]. */
interface Buckets {
  rows: Uint32Array;
  start: Uint32Array;
}

/** Which session and direction each row of one capture is in. */
interface RowSessions {
  flowOfRow: Uint32Array;
  sessionOfFlow: Uint32Array;
  directionOf: Uint8Array;
}

/** The (session, direction) bucket of a row, or -1 for a row in no session. */
function bucketOf({ flowOfRow, sessionOfFlow, directionOf }: RowSessions, row: number): number {
  const f = flowOfRow[row];
  return f === NO_FLOW ? -1 : sessionOfFlow[f] * 2 + directionOf[row];
}

/**
 * Buckets by a counting pass (rows stay in file order within a bucket), then a sort of the
 * few buckets out of time order. Files are nearly always in time order already: the fill
 * pass, in row order, notes the buckets that are not.
 */
function bucketRows(count: number, sessions: number, of: RowSessions, time: Float64Array): Buckets {
  const start = new Uint32Array(sessions * 2 + 1);
  for (let row = 0; row < count; row++) {
    const k = bucketOf(of, row);
    if (k >= 0) start[k + 1]++;
  }
  for (let k = 0; k < sessions * 2; k++) start[k + 1] += start[k];
  const fill = start.slice(0, sessions * 2);
  const rows = new Uint32Array(start[sessions * 2]);
  const lastTime = new Float64Array(sessions * 2).fill(-Infinity);
  const unsorted = new Uint8Array(sessions * 2);
  for (let row = 0; row < count; row++) {
    const k = bucketOf(of, row);
    if (k < 0) continue;
    rows[fill[k]++] = row;
    if (!(lastTime[k] <= time[row])) unsorted[k] = 1;
    lastTime[k] = time[row];
  }
  for (let k = 0; k < sessions * 2; k++) {
    if (unsorted[k]) rows.subarray(start[k], start[k + 1]).sort((x, y) => time[x] - time[y] || x - y);
  }
  return { rows, start };
}

function bucket(buckets: Buckets, session: number, direction: number): Uint32Array {
  const k = session * 2 + direction;
  return buckets.rows.subarray(buckets.start[k], buckets.start[k + 1]);
}

/** Whether any row of a bucket is still without a partner (read in place: no view is made for the many that are done). */
function anyUnmatched(buckets: Buckets, session: number, direction: number, match: Int32Array): boolean {
  const k = session * 2 + direction;
  for (let i = buckets.start[k]; i < buckets.start[k + 1]; i++) if (match[buckets.rows[i]] === -1) return true;
  return false;
}

/**
 * The rows of sessions still without a partner: how many (each becomes a row of the result
 * after the pairs), and per (session, direction) bucket 1 when it has some. One pass in row
 * order, where asking each bucket in turn would read the match column out of order.
 */
function unmatchedRows(sessions: number, of: RowSessions, match: Int32Array): { buckets: Uint8Array; count: number } {
  const buckets = new Uint8Array(sessions * 2);
  let count = 0;
  for (let row = 0; row < match.length; row++) {
    if (match[row] !== -1) continue;
    const k = bucketOf(of, row);
    if (k < 0) continue;
    buckets[k] = 1;
    count++;
  }
  return { buckets, count };
}

/** Growable typed columns of pairs (row in A, row in B) before they become AlignedRows. */
class PairList {
  a: Int32Array;
  b: Int32Array;
  session: Uint32Array;
  direction: Uint8Array;
  duplicate: Uint8Array;
  flags: Uint8Array;
  length = 0;

  /** `capacity`: the pairs expected, so that the columns are not grown (and copied) on the way. */
  constructor(capacity: number) {
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.session = new Uint32Array(capacity);
    this.direction = new Uint8Array(capacity);
    this.duplicate = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  push(rowA: number, rowB: number, session: number, direction: number, segmented: boolean, duplicate: boolean): void {
    if (this.length === this.a.length) this.grow();
    const i = this.length++;
    this.a[i] = rowA;
    this.b[i] = rowB;
    this.session[i] = session;
    this.direction[i] = direction;
    this.duplicate[i] = duplicate ? 1 : 0;
    // Segmented is a flag of the row from the start: later passes only add other flags.
    this.flags[i] = segmented ? RowFlag.SEGMENTED : 0;
  }

  private grow(): void {
    const size = this.a.length * 2;
    const more = <T extends Int32Array | Uint32Array | Uint8Array>(old: T): T => {
      const next = new (old.constructor as new (n: number) => T)(size);
      next.set(old);
      return next;
    };
    this.a = more(this.a);
    this.b = more(this.b);
    this.session = more(this.session);
    this.direction = more(this.direction);
    this.duplicate = more(this.duplicate);
    this.flags = more(this.flags);
  }
}

/**
 * Pair indexes in the order of their rows in A. Pairs are made session by session, and a
 * session's packets are spread over the whole capture: walked in this order instead, the
 * passes that read both tables' columns per pair read them nearly in sequence.
 */
function pairsInRowOrder(pairs: PairList, rowsA: number): Uint32Array {
  const start = new Uint32Array(rowsA + 1);
  for (let i = 0; i < pairs.length; i++) start[pairs.a[i] + 1]++;
  for (let row = 0; row < rowsA; row++) start[row + 1] += start[row];
  const order = new Uint32Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) order[start[pairs.a[i]]++] = i;
  return order;
}

/**
 * Each pair's two times on A's clock: A's copy, B's copy. Sized for every row of the result
 * (the pairs, then the leftovers): buildRows turns them into the rows' delay columns in place.
 */
interface PairTimes {
  a: Float64Array;
  b: Float64Array;
}

/** Read once in A's row order: the passes that follow read the times by pair, in sequence, not across the captures. */
function timesOfPairs(pairs: PairList, inRowOrder: Uint32Array, timeA: Float64Array, mappedB: Float64Array, leftovers: number): PairTimes {
  const times: PairTimes = { a: new Float64Array(pairs.length + leftovers), b: new Float64Array(pairs.length + leftovers) };
  for (let k = 0; k < pairs.length; k++) {
    const i = inRowOrder[k];
    times.a[i] = timeA[pairs.a[i]];
    times.b[i] = mappedB[pairs.b[i]];
  }
  return times;
}

/** Seconds from the sender's capture to the receiver's, on A's clock. */
function oneWayDelay(pairs: PairList, i: number, times: PairTimes): number {
  return pairs.direction[i] === Direction.CLIENT_TO_SERVER ? times.b[i] - times.a[i] : times.a[i] - times.b[i];
}

function summary(t: PacketTable): CaptureSummary {
  let first: number | null = null;
  let last: number | null = null;
  for (let i = 0; i < t.count; i++) {
    const v = relativeSeconds(t, i, 0);
    if (first === null || v < first) first = v;
    if (last === null || v > last) last = v;
  }
  return { file: t.file, format: t.format, packets: t.count, firstTime: first, lastTime: last };
}

function emptyCounts(): SessionCounts {
  return { matched: 0, lost: 0, injected: 0, duplicated: 0, reordered: 0, modified: 0, outsideWindow: 0 };
}

function protocolOf(kind: string): Session["protocol"] {
  return kind === "tcp" || kind === "udp" || kind === "icmp" || kind === "icmpv6" ? kind : "other";
}

/**
 * The table with its columns in an object of fixed shape: a columns object filled by keyed
 * stores can sit in V8's dictionary mode, which makes every column read several times slower.
 */
function withFastColumns(t: PacketTable): PacketTable {
  return { ...t, columns: { ...t.columns } };
}

/**
 * What alignment leaves for the events and rows. The per-row intermediates it needs on the
 * way (identities, B's times on its own clock, the flow tables' row columns, the session
 * columns: about 25 bytes per packet of typed arrays) die with it, before the result's objects are built.
 */
interface Alignment {
  flowsA: FlowList;
  flowsB: FlowList;
  plans: SessionPlan[];
  bucketsA: Buckets;
  bucketsB: Buckets;
  timeA: Float64Array;
  /** B's times on A's clock. */
  mappedB: Float64Array;
  matchA: Int32Array;
  matchB: Int32Array;
  /** unmatchedRows' buckets of each capture once aligned: where the leftovers are. */
  leftoverA: Uint8Array;
  leftoverB: Uint8Array;
  /** Rows of both captures left without a partner in their session. */
  leftovers: number;
  pairs: PairList;
  clock: ClockModel;
  /** Per TCP session: sequence offsets "B minus A" per direction. */
  seqDelta: Map<number, [number, number]>;
}

function alignCaptures(a: PacketTable, b: PacketTable, options: DiffOptions): Alignment {
  const flowsA = buildFlowTable(a);
  const flowsB = buildFlowTable(b);
  const origin = firstSecond(a, b);
  const timeA = relativeTimes(a, origin);
  const timeB = relativeTimes(b, origin);
  const exactA = identities(a, flowsA, exactIdentity);
  const exactB = identities(b, flowsB, exactIdentity);
  const flowPairs = pairFlows(
    flowsA,
    exactA,
    (row) => looseVotingIdentity(a, row),
    flowsB,
    exactB,
    (row) => looseVotingIdentity(b, row),
    options,
  );
  const plan = planSessions(a, flowsA, b, flowsB, flowPairs);
  const nSessions = plan.plans.length;
  const rowsA: RowSessions = { flowOfRow: flowsA.flowOfRow, sessionOfFlow: plan.sessionOfFlowA, directionOf: plan.directionOfA };
  const rowsB: RowSessions = { flowOfRow: flowsB.flowOfRow, sessionOfFlow: plan.sessionOfFlowB, directionOf: plan.directionOfB };
  const bucketsA = bucketRows(a.count, nSessions, rowsA, timeA);
  const bucketsB = bucketRows(b.count, nSessions, rowsB, timeB);
  const matchA = new Int32Array(a.count).fill(-1);
  const matchB = new Int32Array(b.count).fill(-1);
  // Nearly every packet of the smaller capture has a partner: pairs rarely outnumber its rows.
  const pairs = new PairList(Math.max(1024, Math.min(a.count, b.count)));
  // B's times on A's clock, once the clock is fitted after phase 1 (which reads no times).
  let mappedB: Float64Array = new Float64Array(0);

  const sides = (s: number, d: number): { sender: DirectionSide; receiver: DirectionSide } => {
    const sideA: DirectionSide = { table: a, rows: bucket(bucketsA, s, d), time: timeA, match: matchA };
    const sideB: DirectionSide = { table: b, rows: bucket(bucketsB, s, d), time: mappedB, match: matchB };
    return d === Direction.CLIENT_TO_SERVER ? { sender: sideA, receiver: sideB } : { sender: sideB, receiver: sideA };
  };
  const emitFor = (s: number, d: number) => (senderRow: number, receiverRow: number, segmented: boolean) => {
    if (d === Direction.CLIENT_TO_SERVER) pairs.push(senderRow, receiverRow, s, d, segmented, false);
    else pairs.push(receiverRow, senderRow, s, d, segmented, false);
  };
  const paired = plan.plans.filter((p) => p.pair !== null);

  // One map serves every identity pass below, each emptying it first: thousands of maps, one per session direction, were 100 MB of arrays.
  const identityMap = new IdentityMap(0);
  // Phase 1: exact identities; then copies of an already matched identity are duplicates.
  for (const p of paired) {
    for (const d of DIRECTIONS) {
      const { sender, receiver } = sides(p.id, d);
      const exactS = sender.table === a ? exactA : exactB;
      const exactR = receiver.table === a ? exactA : exactB;
      matchByIdentity(sender, receiver, (r) => exactS[r], (r) => exactR[r], emitFor(p.id, d), identityMap);
      if (!anyUnmatched(d === Direction.CLIENT_TO_SERVER ? bucketsB : bucketsA, p.id, d, receiver.match)) continue;
      const firstCopy = identityMap;
      firstCopy.clear(receiver.rows.length);
      for (const r of receiver.rows) if (receiver.match[r] >= 0 && firstCopy.get(exactR[r]) === ABSENT) firstCopy.set(exactR[r], receiver.match[r]);
      for (const r of receiver.rows) {
        if (receiver.match[r] !== -1) continue;
        const original = firstCopy.get(exactR[r]);
        if (original === ABSENT) continue;
        receiver.match[r] = original;
        if (d === Direction.CLIENT_TO_SERVER) pairs.push(original, r, p.id, d, false, true);
        else pairs.push(r, original, p.id, d, false, true);
      }
    }
  }

  const fitClock = (): ClockModel => {
    // One sample per one-to-one pair, walked in B's row order so the samples come sorted by time.
    const partnerOfB = new Int32Array(b.count).fill(-1);
    let ups = 0;
    let downs = 0;
    for (let i = 0; i < pairs.length; i++) {
      if (pairs.duplicate[i] || (pairs.flags[i] & RowFlag.SEGMENTED) !== 0) continue;
      partnerOfB[pairs.b[i]] = pairs.a[i];
      if (pairs.direction[i] === Direction.CLIENT_TO_SERVER) ups++;
      else downs++;
    }
    const up: DelaySamples = { x: new Float64Array(ups), y: new Float64Array(ups) };
    const down: DelaySamples = { x: new Float64Array(downs), y: new Float64Array(downs) };
    let u = 0;
    let w = 0;
    for (let row = 0; row < b.count; row++) {
      const rowA = partnerOfB[row];
      if (rowA < 0) continue;
      const tA = timeA[rowA];
      const tB = timeB[row];
      if (plan.directionOfB[row] === Direction.CLIENT_TO_SERVER) {
        up.x[u] = tB - referenceB;
        up.y[u++] = tB - tA;
      } else {
        down.x[w] = tB - referenceB;
        down.y[w++] = tA - tB;
      }
    }
    return estimateClock(up, down, referenceB + origin, options.clock);
  };
  const referenceB = b.count ? range(timeB)[0] : 0;
  const exactPairs = pairs.length;
  let clock = fitClock();
  // B's exact identities are not read after phase 1: the mapped times take their buffer (8 bytes a row less at the peak).
  mappedB = exactB;
  const mapB = () => {
    for (let row = 0; row < b.count; row++) mappedB[row] = bOnAClock(clock.offsetSeconds, clock.skewPpm, referenceB, timeB[row]);
  };
  mapB();

  // Phase 2: without IP ID, then TCP data by sequence range, then by headers (payload changed in flight).
  const looseKey = (t: PacketTable) => (row: number) => looseIdentity(t, row);
  // Each pass below matches rows of one bucket only: one look before them tells the buckets with work left.
  const unmatchedA = unmatchedRows(nSessions, rowsA, matchA).buckets;
  const unmatchedB = unmatchedRows(nSessions, rowsB, matchB).buckets;
  const seqDelta = new Map<number, [number, number]>();
  for (const p of paired) {
    const isTcp = flowsA.flows.kind(p.flowA) === "tcp";
    if (!isTcp) {
      for (const d of DIRECTIONS) {
        if (!unmatchedA[p.id * 2 + d] || !unmatchedB[p.id * 2 + d]) continue;
        const { sender, receiver } = sides(p.id, d);
        const emit = emitFor(p.id, d);
        matchByIdentity(sender, receiver, looseKey(sender.table), looseKey(receiver.table), emit, identityMap);
        const headerKey = (t: PacketTable) => (row: number) =>
          t.columns.ipId[row] === 0 ? null : identityOf([t.columns.protocol[row], t.columns.ipId[row], t.columns.srcPort[row] >> 8, t.columns.seq[row]]);
        matchByIdentity(sender, receiver, headerKey(sender.table), headerKey(receiver.table), emit, identityMap);
      }
      continue;
    }
    // Sequence offsets as "B minus A" per direction (ISN-randomising firewalls), from the exact pairs.
    const up = sides(p.id, 0);
    const down = sides(p.id, 1);
    const o0 = sequenceOffset(up.sender, up.receiver);
    const o1 = sequenceOffset(down.sender, down.receiver);
    const isnA = flowsA.flows.at(p.flowA).isn;
    const fb = flowsB.flows.at(p.flowB);
    const isnB = p.pair && !p.pair.sameOrientation ? [fb.isn[1], fb.isn[0]] : fb.isn;
    const fromIsn = (d: number) => (isnA[d] !== null && isnB[d] !== null ? ((isnB[d] as number) - (isnA[d] as number)) >>> 0 : 0);
    const delta: [number, number] = [o0 ?? fromIsn(0), o1 !== null ? -o1 >>> 0 : fromIsn(1)];
    seqDelta.set(p.id, delta);
    for (const d of DIRECTIONS) {
      // Every pass below pairs unmatched rows with unmatched rows.
      if (!unmatchedA[p.id * 2 + d] || !unmatchedB[p.id * 2 + d]) continue;
      const { sender, receiver } = sides(p.id, d);
      const emit = emitFor(p.id, d);
      // Offsets that carry the sender's sequence and ack numbers into the receiver's space.
      const seqOff = d === 0 ? delta[0] : -delta[1] >>> 0;
      const ackOff = d === 0 ? delta[1] : -delta[0] >>> 0;
      matchByIdentity(sender, receiver, tcpLooseKey(sender.table, seqOff, ackOff), tcpLooseKey(receiver.table, 0, 0), emit, identityMap);
      // Ranges before headers: a TSO piece shares its super-segment's headers but not its length.
      matchBySequenceRange(sender, receiver, seqOff, CAUSALITY_SLACK, emit);
      matchByIdentity(sender, receiver, tcpHeaderKey(sender.table, seqOff, ackOff), tcpHeaderKey(receiver.table, 0, 0), emit, identityMap);
    }
  }
  // Refit when the later passes added enough pairs to move the envelopes (TSO-heavy or NAT64 traffic).
  if (!options.clock && pairs.length > exactPairs * 1.01) {
    clock = fitClock();
    mapB();
  }
  const leftA = unmatchedRows(nSessions, rowsA, matchA);
  const leftB = unmatchedRows(nSessions, rowsB, matchB);
  return {
    flowsA: flowsA.flows,
    flowsB: flowsB.flows,
    plans: plan.plans,
    bucketsA,
    bucketsB,
    timeA,
    mappedB,
    matchA,
    matchB,
    leftoverA: leftA.buckets,
    leftoverB: leftB.buckets,
    leftovers: leftA.count + leftB.count,
    pairs,
    clock,
    seqDelta,
  };
}

/** A row of one capture without a partner in its session, and what became of it. */
interface LeftoverRow {
  row: number;
  capture: 0 | 1;
  session: number;
  direction: number;
  status: number;
}

/** What the events and rows need of an alignment; the rest of it (per-row times, buckets) is dropped with it. */
interface Settled {
  flowsA: FlowList;
  flowsB: FlowList;
  plans: SessionPlan[];
  /** Per duplicate pair: the receiver's row of the first copy (its event names it). */
  firstCopyOf: Map<number, number>;
  pairs: PairList;
  clock: ClockModel;
  seqDelta: Map<number, [number, number]>;
  inRowOrder: Uint32Array;
  times: PairTimes;
  /** The minimum one-way delay per direction (over one-to-one and segmented pairs alike). */
  minOwd: number[];
  single: LeftoverRow[];
  leftoverEvents: DiffEvent[];
}

/**
 * The pairs' times and the leftovers, found while the alignment's per-row columns are at
 * hand. Done before the many objects of sessions and events are made, so that those columns
 * (about 24 bytes a packet) are garbage by then, not still held by the caller.
 */
function settle(a: PacketTable, b: PacketTable, al: Alignment): Settled {
  const { plans, bucketsA, bucketsB, timeA, mappedB, matchA, matchB, leftoverA, leftoverB, pairs } = al;
  const inRowOrder = pairsInRowOrder(pairs, a.count);
  const times = timesOfPairs(pairs, inRowOrder, timeA, mappedB, al.leftovers);
  const minOwd = [Infinity, Infinity];
  for (let i = 0; i < pairs.length; i++) {
    if (!pairs.duplicate[i]) minOwd[pairs.direction[i]] = Math.min(minOwd[pairs.direction[i]], oneWayDelay(pairs, i, times));
  }
  const minDelay = (d: number) => (Number.isFinite(minOwd[d]) ? minOwd[d] : 0);
  const [startA, endA] = range(timeA);
  const [startB, endB] = range(mappedB);
  const windowOf = (capture: 0 | 1) => (capture === 0 ? [startA, endA] : [startB, endB]);

  // Leftovers: sent and not received (lost), received and not sent (injected), or outside the other capture's time span.
  const single: LeftoverRow[] = [];
  const events: DiffEvent[] = [];
  const sentBefore = new IdentityMap(0);
  for (const p of plans) {
    // Most sessions have nothing left over.
    if (!leftoverA[p.id * 2] && !leftoverA[p.id * 2 + 1] && !leftoverB[p.id * 2] && !leftoverB[p.id * 2 + 1]) continue;
    const isPaired = p.flowA >= 0 && p.flowB >= 0;
    const crosses = isPaired || p.towardOther;
    for (const d of DIRECTIONS) {
      for (const capture of [0, 1] as const) {
        const match = capture === 0 ? matchA : matchB;
        if (!(capture === 0 ? leftoverA : leftoverB)[p.id * 2 + d]) continue;
        const rows = bucket(capture === 0 ? bucketsA : bucketsB, p.id, d);
        const table = capture === 0 ? a : b;
        const senderCapture = d === Direction.CLIENT_TO_SERVER ? 0 : 1;
        // How many times each TCP data segment had been sent before, to name retransmissions.
        // (Sequence numbers as IdentityMap keys: above 2^30 they would be boxed as Map keys.)
        const earlier = new Map<number, number>();
        if (capture === senderCapture) {
          sentBefore.clear(rows.length);
          for (const row of rows) {
            if (table.columns.protocol[row] !== 6 || table.columns.payloadLength[row] === 0) continue;
            const seen = sentBefore.get(table.columns.seq[row]);
            const n = seen === ABSENT ? 0 : seen;
            sentBefore.set(table.columns.seq[row], n + 1);
            if (n > 0) earlier.set(row, n);
          }
        }
        for (const row of rows) {
          if (match[row] !== -1) continue;
          const t = capture === 0 ? timeA[row] : mappedB[row];
          let status: number = RowStatus.ONE_SIDED;
          if (crosses) {
            const isSender = capture === senderCapture;
            const [lo, hi] = windowOf(isSender ? (capture === 0 ? 1 : 0) : senderCapture);
            const expected = isSender ? t + minDelay(d) : t - minDelay(d);
            const inside = expected >= lo && expected <= hi;
            status = !inside ? RowStatus.OUTSIDE_WINDOW : isSender ? RowStatus.LOST : RowStatus.INJECTED;
          }
          // Its sort time waits in the times' slot of its row in the result.
          times.a[pairs.length + single.length] = t;
          single.push({ row, capture, session: p.id, direction: d, status });
          if (status === RowStatus.ONE_SIDED) continue;
          const kind = status === RowStatus.LOST ? "lost" : status === RowStatus.INJECTED ? "injected" : "outside-window";
          const before = status === RowStatus.LOST ? earlier.get(row) : undefined;
          const detail = before ? `retransmission ${before} of the segment at seq ${table.columns.seq[row]}` : undefined;
          events.push({ kind, session: p.id, direction: directionName(d), frames: [{ capture, frame: row + 1 }], ...(detail ? { detail } : {}) });
        }
      }
    }
  }
  const firstCopyOf = new Map<number, number>();
  for (let i = 0; i < pairs.length; i++) {
    if (!pairs.duplicate[i]) continue;
    const up = pairs.direction[i] === Direction.CLIENT_TO_SERVER;
    // The sender's row keeps its first partner: the duplicate points back at it, not the reverse.
    firstCopyOf.set(i, up ? matchA[pairs.a[i]] : matchB[pairs.b[i]]);
  }
  return { flowsA: al.flowsA, flowsB: al.flowsB, plans, firstCopyOf, pairs, clock: al.clock, seqDelta: al.seqDelta, inRowOrder, times, minOwd, single, leftoverEvents: events };
}

export function diffCaptures(tableA: PacketTable, tableB: PacketTable, options: DiffOptions = {}): DiffResult {
  const a = withFastColumns(tableA);
  const b = withFastColumns(tableB);
  const { flowsA, flowsB, plans, firstCopyOf, pairs, clock, seqDelta, inRowOrder, times, minOwd, single, leftoverEvents } = settle(a, b, alignCaptures(a, b, options));
  const nSessions = plans.length;

  const texts = new Shared<string>();
  const lists = new Shared<string[]>();
  const sessions: Session[] = plans.map((p) => buildSession(p, a, flowsA, b, flowsB, texts, lists));
  const events: DiffEvent[] = [];

  // Rewrites and per-packet modifications over one-to-one pairs.
  // One tally slot per session direction: session * 2 + direction.
  const tallies = new RewriteTallies(nSessions * 2);
  for (let k = 0; k < pairs.length; k++) {
    const i = inRowOrder[k];
    if (pairs.duplicate[i] || (pairs.flags[i] & RowFlag.SEGMENTED) !== 0) continue;
    const slot = pairs.session[i] * 2 + pairs.direction[i];
    if (pairs.direction[i] === Direction.CLIENT_TO_SERVER) tallyRewrites(tallies, slot, a, pairs.a[i], b, pairs.b[i]);
    else tallyRewrites(tallies, slot, b, pairs.b[i], a, pairs.a[i]);
  }
  let ttlSign = 0;
  const fields: FieldDiff[] = [];
  // Walked in row order, the events come out of pair order: each waits with its pair's index.
  const pairEvents: { pair: number; event: DiffEvent }[] = [];
  // Per session, in typed arrays: the walk jumps from session to session, and objects cost a lookup each.
  const matchedOf = new Uint32Array(nSessions);
  const seqOffsets = new Uint32Array(nSessions * 2);
  for (const [sid, delta] of seqDelta) seqOffsets.set(delta, sid * 2);
  for (let k = 0; k < pairs.length; k++) {
    const i = inRowOrder[k];
    const d = pairs.direction[i];
    const up = d === Direction.CLIENT_TO_SERVER;
    const ts = up ? a : b;
    const tr = up ? b : a;
    const s = up ? pairs.a[i] : pairs.b[i];
    const r = up ? pairs.b[i] : pairs.a[i];
    const sCap = up ? 0 : 1;
    const rCap = up ? 1 : 0;
    const sid = pairs.session[i];
    ttlSign += Math.sign(ts.columns.ttl[s] - tr.columns.ttl[r]);
    if (pairs.duplicate[i]) {
      sessions[sid].counts.duplicated++;
      const originalReceiver = firstCopyOf.get(i) as number;
      pairEvents.push({
        pair: i,
        event: {
          kind: "duplicated",
          session: sid,
          direction: directionName(d),
          frames: [
            { capture: sCap, frame: s + 1 },
            { capture: rCap, frame: originalReceiver + 1 },
            { capture: rCap, frame: r + 1 },
          ],
          detail: "another copy of a packet already received",
        },
      });
      continue;
    }
    matchedOf[sid]++;
    if (pairs.flags[i] & RowFlag.SEGMENTED) continue;
    const upOffset = seqOffsets[sid * 2];
    const downOffset = seqOffsets[sid * 2 + 1];
    const seqOff = d === 0 ? upOffset : -downOffset >>> 0;
    const ackOff = d === 0 ? downOffset : -upOffset >>> 0;
    if (comparePair(ts, s, tr, r, tallies, sid * 2 + d, seqOff, ackOff, fields)) pairs.flags[i] |= RowFlag.CHECKSUM_OFFLOAD;
    if (fields.length) {
      pairs.flags[i] |= RowFlag.MODIFIED;
      sessions[sid].counts.modified++;
      pairEvents.push({
        pair: i,
        event: {
          kind: "modified",
          session: sid,
          direction: directionName(d),
          frames: [
            { capture: sCap, frame: s + 1 },
            { capture: rCap, frame: r + 1 },
          ],
          // Taken out, which leaves the list empty for the next pair.
          fields: fields.splice(0),
          detail: "changed in flight beyond the session's rewrites",
        },
      });
    }
  }
  for (const { event } of pairEvents.sort((x, y) => x.pair - y.pair)) events.push(event);
  for (const session of sessions) session.counts.matched = matchedOf[session.id];

  // The row order is done with: its buffer serves the reordering's grouping.
  markReordering(pairs, nSessions, times, sessions, events, inRowOrder);

  // Leftover events come after the pairs' in each session, as they are listed.
  for (const event of leftoverEvents) events.push(event);
  for (const x of single) {
    const counts = sessions[x.session].counts;
    if (x.status === RowStatus.LOST) counts.lost++;
    else if (x.status === RowStatus.INJECTED) counts.injected++;
    else if (x.status === RowStatus.OUTSIDE_WINDOW) counts.outsideWindow++;
  }

  const sharedRewrites = new Shared<Rewrite>();
  for (const s of sessions) {
    const p = plans[s.id];
    if (s.sides.length === 1) {
      const c = s.counts;
      s.oneSided = !p.towardOther ? "local" : c.lost + c.injected > 0 ? "entirely-lost" : "outside-window";
    } else {
      s.rewrites = compact(sessionRewrites(p, a, flowsA, b, flowsB, tallies, seqDelta.get(p.id) ?? [0, 0], sharedRewrites));
    }
  }

  const rows = buildRows(pairs, times, minOwd, single, nSessions);
  const reversed = ttlSign < -2;
  const result: DiffResult = {
    version: 1,
    captures: [summary(a), summary(b)],
    clock,
    sessions,
    events: events.sort((x, y) => x.session - y.session),
    rows,
    findings: [],
    reversed,
  };
  result.findings = [...buildFindings(result), ...delaySpikes(result), ...routerWithdrawals(a, 0), ...routerWithdrawals(b, 1)];
  return result;
}

/**
 * A copy of a list without the spare room that growing it by push leaves (17 slots after the
 * first push): kept in every session, the spare room cost more than the entries.
 */
function compact<T>(list: T[]): T[] {
  return list.slice();
}

/**
 * One copy of each value that repeats from session to session: the evidence and server
 * endpoint of a DNS server's thousands of exchanges, the path's TTL rewrite. Kept once per
 * session, such copies were the bulk of a large diff's memory.
 */
class Shared<T> {
  private readonly byKey = new Map<string, T>();

  /** The value first stored under key, else this one (then stored). */
  of(key: string, value: T): T {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    this.byKey.set(key, value);
    return value;
  }
}

function sharedText(texts: Shared<string>, text: string): string {
  return texts.of(text, text);
}

/** One copy of each list of shared texts: thousands of DNS exchanges give the same evidence. */
function sharedList(lists: Shared<string[]>, list: string[]): string[] {
  return lists.of(list.join("\u0000"), list);
}

function buildSession(p: SessionPlan, a: PacketTable, flowsA: FlowList, b: PacketTable, flowsB: FlowList, texts: Shared<string>, lists: Shared<string[]>): Session {
  const sides: Session["sides"] = [];
  const fa = p.flowA >= 0 ? flowsA.at(p.flowA) : null;
  const fb = p.flowB >= 0 ? flowsB.at(p.flowB) : null;
  if (fa) {
    sides.push({
      capture: 0,
      client: endpointText(a, fa, "client"),
      server: sharedText(texts, endpointText(a, fa, "server")),
      flow: p.flowA,
      extraFlows: p.extraA,
      packets: fa.packets[0] + fa.packets[1] + p.extraA.reduce((n, x) => n + flowsA.packetCount(x), 0),
    });
  }
  if (fb) {
    const flipped = p.pair !== null && !p.pair.sameOrientation;
    sides.push({
      capture: 1,
      client: endpointText(b, fb, flipped ? "server" : "client"),
      server: sharedText(texts, endpointText(b, fb, flipped ? "client" : "server")),
      flow: p.flowB,
      extraFlows: p.extraB,
      packets: fb.packets[0] + fb.packets[1] + p.extraB.reduce((n, x) => n + flowsB.packetCount(x), 0),
    });
  }
  const evidence: string[] = [];
  let confidence = 1;
  if (p.pair && fa && fb) {
    const smaller = Math.max(1, Math.min(fa.packets[0] + fa.packets[1], fb.packets[0] + fb.packets[1]));
    if (p.pair.by === "manual") evidence.push("paired by hand");
    else {
      confidence = Math.min(1, p.pair.votes / smaller) * (1 - 0.5 ** p.pair.votes);
      const what = p.pair.by === "exact" ? "payload, IP ID, TCP flags and timestamps" : "payload, TCP flags and timestamps; IP ID differs (rewritten, or IPv6 on one side)";
      // A copy duplicated on one side votes too: the count is of the smaller side's packets.
      evidence.push(`${Math.min(p.pair.votes, smaller)} of ${smaller} packets have the same identity on both sides (${what})`);
    }
    const bClientPort = p.pair.sameOrientation ? fb.clientPort : fb.serverPort;
    const bServerPort = p.pair.sameOrientation ? fb.serverPort : fb.clientPort;
    if (fa.kind === "tcp" || fa.kind === "udp") {
      evidence.push(fa.serverPort === bServerPort ? `server port ${fa.serverPort} on both sides` : `server port ${fa.serverPort} in A, ${bServerPort} in B`);
      if (fa.clientPort === bClientPort) evidence.push(`client port ${fa.clientPort} kept`);
    }
    if (fa.kind === "tcp" && fa.isn[0] !== null) {
      const isnB = p.pair.sameOrientation ? fb.isn[0] : fb.isn[1];
      if (isnB === fa.isn[0]) evidence.push(`same client ISN ${fa.isn[0]}`);
    }
    if (fa.family !== fb.family) evidence.push(`IPv${fa.family} in A, IPv${fb.family} in B`);
    if (p.pair.sameOrientation === false) evidence.push("B's flow is seen from the other end (client and server swapped by the heuristics)");
  }
  return {
    id: p.id,
    // Every plan has a flow on one side at least.
    protocol: protocolOf((fa ?? fb)!.kind),
    sides: compact(sides),
    confidence: Math.round(confidence * 1000) / 1000,
    evidence: sharedList(lists, evidence.map((text) => sharedText(texts, text))),
    rewrites: [],
    notes: p.notes,
    ...(p.pair?.by === "manual" ? { manual: true } : {}),
    counts: emptyCounts(),
  };
}

/** Header fields a path may rewrite on every packet of a session direction, as the tallies tell them. */
const STABLE_REWRITE_FIELDS = ["ttl", "tos", "mss", "window-scale", "tcp-options"] as const;

/** Appends a rewrite when from and to differ. The client's port is new in every session; the other rewrites repeat across sessions and are shared. */
function addRewrite(out: Rewrite[], shared: Shared<Rewrite>, field: string, direction: Rewrite["direction"], from: string | number, to: string | number): void {
  // Most fields are kept: said before any text or object is made for them.
  if (from === to) return;
  const rewrite = { field, direction, from: String(from), to: String(to) };
  if (rewrite.from === rewrite.to) return;
  out.push(field === "src-port" ? rewrite : shared.of(`${field}\u0000${direction}\u0000${rewrite.from}\u0000${rewrite.to}`, rewrite));
}

function sessionRewrites(
  p: SessionPlan,
  a: PacketTable,
  flowsA: FlowList,
  b: PacketTable,
  flowsB: FlowList,
  tallies: RewriteTallies,
  delta: [number, number],
  shared: Shared<Rewrite>,
): Rewrite[] {
  const fa = flowsA.at(p.flowA);
  const fb = flowsB.at(p.flowB);
  const flipped = p.pair !== null && !p.pair.sameOrientation;
  const bClient = flipped ? { addr: fb.serverAddr, port: fb.serverPort } : { addr: fb.clientAddr, port: fb.clientPort };
  const bServer = flipped ? { addr: fb.clientAddr, port: fb.clientPort } : { addr: fb.serverAddr, port: fb.serverPort };
  const out: Rewrite[] = [];
  const up = "client-to-server" as const;
  addRewrite(out, shared, "family", up, `IPv${fa.family}`, `IPv${fb.family}`);
  addRewrite(out, shared, "src-address", up, a.addresses.text[fa.clientAddr], b.addresses.text[bClient.addr]);
  if (fa.kind === "tcp" || fa.kind === "udp") addRewrite(out, shared, "src-port", up, fa.clientPort, bClient.port);
  addRewrite(out, shared, "dst-address", up, a.addresses.text[fa.serverAddr], b.addresses.text[bServer.addr]);
  if (fa.kind === "tcp" || fa.kind === "udp") addRewrite(out, shared, "dst-port", up, fa.serverPort, bServer.port);
  if (fa.icmpId >= 0 && fb.icmpId >= 0) addRewrite(out, shared, "icmp-id", up, fa.icmpId, fb.icmpId);
  if (fa.kind === "tcp") {
    for (const d of DIRECTIONS) {
      if (delta[d] === 0) continue;
      const isnA = fa.isn[d];
      const from = isnA ?? "A's sequence numbers";
      const to = isnA !== null ? (isnA + delta[d]) >>> 0 : `shifted by ${delta[d]}`;
      addRewrite(out, shared, "isn", directionName(d), from, to);
    }
  }
  for (const d of DIRECTIONS) {
    for (const field of STABLE_REWRITE_FIELDS) {
      const s = tallies.stable(p.id * 2 + d, field);
      if (s) addRewrite(out, shared, field, directionName(d), s.from, s.to);
    }
    if (tallies.changes(p.id * 2 + d, "ip-id")) addRewrite(out, shared, "ip-id", directionName(d), "kept", "rewritten");
  }
  return out;
}

/** A packet arrived after one that was sent later: flag the late one (not the ones that overtook it). */
function markReordering(pairs: PairList, nSessions: number, times: PairTimes, sessions: Session[], events: DiffEvent[], scratch: Uint32Array): void {
  // Pairs grouped by (session, direction) with a counting pass, each group in pair order.
  const start = new Uint32Array(nSessions * 2 + 1);
  for (let i = 0; i < pairs.length; i++) if (!pairs.duplicate[i]) start[pairs.session[i] * 2 + pairs.direction[i] + 1]++;
  for (let k = 0; k < nSessions * 2; k++) start[k + 1] += start[k];
  const fill = start.slice(0, nSessions * 2);
  const grouped = scratch.subarray(0, start[nSessions * 2]);
  for (let i = 0; i < pairs.length; i++) if (!pairs.duplicate[i]) grouped[fill[pairs.session[i] * 2 + pairs.direction[i]]++] = i;
  // Groups in the order of their first pair, as the events they raise are listed.
  const done = new Uint8Array(nSessions * 2);
  for (let i = 0; i < pairs.length; i++) {
    if (pairs.duplicate[i]) continue;
    const key = pairs.session[i] * 2 + pairs.direction[i];
    if (done[key]) continue;
    done[key] = 1;
    markGroup(pairs, grouped.subarray(start[key], start[key + 1]), key & 1, times, sessions, events);
  }
}

/** One (session, direction)'s pairs: ordered by send time, then walked from the last sent. */
function markGroup(pairs: PairList, list: Uint32Array, d: number, times: PairTimes, sessions: Session[], events: DiffEvent[]): void {
  const sendTimes = d === 0 ? times.a : times.b;
  const recvTimes = d === 0 ? times.b : times.a;
  const sendRows = d === 0 ? pairs.a : pairs.b;
  const recvRows = d === 0 ? pairs.b : pairs.a;
  let sorted = true;
  for (let k = 1; k < list.length && sorted; k++) {
    const x = list[k - 1];
    const y = list[k];
    const dt = sendTimes[x] - sendTimes[y];
    sorted = dt < 0 || (dt === 0 && sendRows[x] <= sendRows[y]);
  }
  // Ties keep pair order (the list starts in it).
  if (!sorted) list.sort((x, y) => sendTimes[x] - sendTimes[y] || sendRows[x] - sendRows[y] || x - y);
  let laterMin = Infinity;
  let laterMinRow = Infinity;
  for (let k = list.length - 1; k >= 0; k--) {
    const i = list[k];
    const t = recvTimes[i];
    const row = recvRows[i];
    const overtaken = laterMin < t || (laterMin === t && laterMinRow < row);
    if (overtaken && sendRows[i] !== (k + 1 < list.length ? sendRows[list[k + 1]] : -1)) {
      pairs.flags[i] |= RowFlag.REORDERED;
      const s = pairs.session[i];
      sessions[s].counts.reordered++;
      const sCap = d === 0 ? 0 : 1;
      events.push({
        kind: "reordered",
        session: s,
        direction: directionName(d),
        frames: [
          { capture: sCap, frame: sendRows[i] + 1 },
          { capture: sCap === 0 ? 1 : 0, frame: row + 1 },
        ],
        detail: "arrived after a packet that was sent later",
      });
    }
    if (t < laterMin || (t === laterMin && row < laterMinRow)) {
      laterMin = t;
      laterMinRow = row;
    }
  }
}

/** Whether index x comes before index y by (time, index). */
function before(time: Float64Array, x: number, y: number): boolean {
  return time[x] < time[y] || (time[x] === time[y] && x < y);
}

/**
 * Orders indexes by (time, index). A session's rows are a few ascending runs (each direction's
 * pairs, then the leftovers), so neighbouring runs are merged until one is left: linear in
 * the rows for the usual two or three runs, where a comparison sort is not.
 */
function mergeRuns(list: Uint32Array, time: Float64Array, scratch: Uint32Array): void {
  let bounds = [0];
  for (let k = 1; k < list.length; k++) if (!before(time, list[k - 1], list[k])) bounds.push(k);
  bounds.push(list.length);
  let from = list;
  let to = scratch.subarray(0, list.length);
  while (bounds.length > 2) {
    const merged = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const lo = bounds[r];
      const mid = bounds[r + 1];
      const hi = r + 2 < bounds.length ? bounds[r + 2] : mid;
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) to[k++] = before(time, from[j], from[i]) ? from[j++] : from[i++];
      while (i < mid) to[k++] = from[i++];
      while (j < hi) to[k++] = from[j++];
      merged.push(hi);
    }
    bounds = merged;
    [from, to] = [to, from];
  }
  if (from !== list) list.set(from);
}

/** Puts x[order[k]] and y[order[k]] at k, for every k, by following the permutation's cycles. */
function permuteInPlace(x: Float64Array, y: Float64Array, order: Uint32Array): void {
  const done = new Uint8Array(order.length);
  for (let first = 0; first < order.length; first++) {
    if (done[first]) continue;
    const firstX = x[first];
    const firstY = y[first];
    let k = first;
    for (;;) {
      done[k] = 1;
      const from = order[k];
      if (from === first) {
        x[k] = firstX;
        y[k] = firstY;
        break;
      }
      x[k] = x[from];
      y[k] = y[from];
      k = from;
    }
  }
}

function buildRows(
  pairs: PairList,
  times: PairTimes,
  minOwd: number[],
  single: LeftoverRow[],
  nSessions: number,
): AlignedRows {
  const count = pairs.length + single.length;
  // The delay columns are the pair times' buffers, sized for the count, and the sort below
  // works in them and in frameB: 32 bytes a row of new columns and scratch not allocated at the peak.
  const rows: AlignedRows = {
    count,
    session: new Uint32Array(count),
    direction: new Uint8Array(count),
    frameA: new Uint32Array(count),
    frameB: new Uint32Array(count),
    status: new Uint8Array(count),
    flags: new Uint8Array(count),
    owdMs: times.a,
    aboveMinMs: times.b,
    sessionRowStart: new Uint32Array(nSessions + 1),
  };
  // Entries are the pairs, then the leftovers. Before the entries are put in row order, the
  // time buffers hold each entry's sort time and one-way delay, and frameB holds the order
  // (read at k before it is written at k).
  const sessionOf = (i: number) => (i < pairs.length ? pairs.session[i] : single[i - pairs.length].session);
  const sortTime = times.a;
  const owd = times.b;
  for (let i = 0; i < pairs.length; i++) {
    const delay = oneWayDelay(pairs, i, times);
    sortTime[i] = Math.min(times.a[i], times.b[i]);
    owd[i] = delay;
  }
  // The leftovers' sort times are in place already (settle put them there).
  owd.fill(NaN, pairs.length);
  // Group by session (counting sort), then order each session's rows by time where needed.
  const start = new Uint32Array(nSessions + 1);
  for (let i = 0; i < count; i++) start[sessionOf(i) + 1]++;
  for (let s = 0; s < nSessions; s++) start[s + 1] += start[s];
  const fill = start.slice(0, nSessions);
  const order = rows.frameB;
  for (let i = 0; i < count; i++) order[fill[sessionOf(i)]++] = i;
  let longest = 0;
  for (let s = 0; s < nSessions; s++) longest = Math.max(longest, start[s + 1] - start[s]);
  const scratch = new Uint32Array(longest);
  for (let s = 0; s < nSessions; s++) mergeRuns(order.subarray(start[s], start[s + 1]), sortTime, scratch);
  for (let i = 0; i < count; i++) {
    const delay = owd[i];
    rows.owdMs[i] = delay * 1e3;
    rows.aboveMinMs[i] = i < pairs.length ? (delay - minOwd[pairs.direction[i]]) * 1e3 : NaN;
  }
  permuteInPlace(rows.owdMs, rows.aboveMinMs, order);
  for (let k = 0; k < count; k++) {
    const i = order[k];
    const session = sessionOf(i);
    rows.session[k] = session;
    rows.sessionRowStart[session + 1]++;
    if (i < pairs.length) {
      rows.direction[k] = pairs.direction[i];
      rows.frameA[k] = pairs.a[i] + 1;
      rows.frameB[k] = pairs.b[i] + 1;
      rows.status[k] = pairs.duplicate[i] ? RowStatus.DUPLICATED : RowStatus.MATCHED;
      rows.flags[k] = pairs.flags[i];
    } else {
      const x = single[i - pairs.length];
      rows.direction[k] = x.direction;
      rows.frameA[k] = x.capture === 0 ? x.row + 1 : 0;
      rows.frameB[k] = x.capture === 1 ? x.row + 1 : 0;
      rows.status[k] = x.status;
    }
  }
  for (let s = 0; s < nSessions; s++) rows.sessionRowStart[s + 1] += rows.sessionRowStart[s];
  return rows;
}
