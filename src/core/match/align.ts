// Packet alignment within one paired session and one direction: maps each sender-side
// packet to its receiver-side copy. First by exact identity (FIFO per identity, so
// duplicates and retransmissions pair in time order), then without IP ID, then TCP data by
// sequence range (TSO/GRO: one super-segment on one side, several segments on the other),
// then by headers only (payload changed in flight).

import { ABSENT, IdentityMap, identityOf, looseIdentityAt, type Identity } from "./identity";

/** Marks an identity whose first receiver copy is taken: the next ones wait in `repeats`. */
const FIRST_TAKEN = -2;
import type { PacketTable } from "../model/packet-table";

/** One side of a session direction: its rows in time order and their times on A's clock. */
export interface DirectionSide {
  table: PacketTable;
  rows: Uint32Array;
  /** Seconds on A's clock (relative to the diff's time origin), indexed by row. */
  time: Float64Array;
  /** Row -> matched row on the other side (-1 = none): shared across the whole capture. */
  match: Int32Array;
}

/** Sink for pairs (sender row, receiver row); `segmented` when not one-to-one. */
export type PairSink = (senderRow: number, receiverRow: number, segmented: boolean) => void;

/**
 * FIFO-per-identity matching of the still unmatched rows. `first` is any IdentityMap, emptied
 * here: the caller keeps one for all its calls (one per session direction and pass).
 */
export function matchByIdentity(
  sender: DirectionSide,
  receiver: DirectionSide,
  senderKey: (row: number) => Identity | null,
  receiverKey: (row: number) => Identity | null,
  emit: PairSink,
  first: IdentityMap,
): void {
  if (receiver.rows.length <= SMALL) {
    matchFewByIdentity(sender, receiver, senderKey, receiverKey, emit);
    return;
  }
  // Most identities occur once: keep a bare row, and a queue only for repeated ones.
  first.clear(receiver.rows.length);
  const repeats = new Map<Identity, number[]>();
  for (const r of receiver.rows) {
    if (receiver.match[r] !== -1) continue;
    const key = receiverKey(r);
    if (key === null) continue;
    if (first.get(key) === ABSENT) first.set(key, r);
    else {
      const q = repeats.get(key);
      if (q) q.push(r);
      else repeats.set(key, [r]);
    }
  }
  if (first.size === 0) return;
  const heads = new Map<Identity, number>();
  for (const s of sender.rows) {
    if (sender.match[s] !== -1) continue;
    const key = senderKey(s);
    if (key === null) continue;
    let r = first.get(key);
    if (r === ABSENT) continue;
    if (r === FIRST_TAKEN) {
      const q = repeats.get(key);
      const head = heads.get(key) ?? 0;
      if (!q || head >= q.length) continue;
      heads.set(key, head + 1);
      r = q[head];
    } else first.set(key, FIRST_TAKEN);
    sender.match[s] = r;
    receiver.match[r] = s;
    emit(s, r, false);
  }
}

/** Receiver sides this small are searched directly: a hash map per tiny session costs more than it saves. */
const SMALL = 8;

/** Receiver keys of a small side; NO_KEY where there is none or the row is taken. */
const fewKeys = new Float64Array(SMALL);
const NO_KEY = -1;

function matchFewByIdentity(
  sender: DirectionSide,
  receiver: DirectionSide,
  senderKey: (row: number) => Identity | null,
  receiverKey: (row: number) => Identity | null,
  emit: PairSink,
): void {
  const n = receiver.rows.length;
  for (let k = 0; k < n; k++) {
    const r = receiver.rows[k];
    fewKeys[k] = receiver.match[r] === -1 ? (receiverKey(r) ?? NO_KEY) : NO_KEY;
  }
  for (const s of sender.rows) {
    if (sender.match[s] !== -1) continue;
    const key = senderKey(s);
    if (key === null) continue;
    let k = 0;
    while (k < n && fewKeys[k] !== key) k++;
    if (k === n) continue;
    fewKeys[k] = NO_KEY;
    const r = receiver.rows[k];
    sender.match[s] = r;
    receiver.match[r] = s;
    emit(s, r, false);
  }
}

/** Most frequent (receiver seq - sender seq) mod 2^32 over the direction's matched TCP rows. */
export function sequenceOffset(sender: DirectionSide, receiver: DirectionSide): number | null {
  const seqS = sender.table.columns.seq;
  const seqR = receiver.table.columns.seq;
  // Nearly every pair has the same offset: count the first one seen directly, the others in a map (after it on ties).
  let first: number | null = null;
  let firstCount = 0;
  let others: Map<number, number> | null = null;
  for (let k = 0; k < sender.rows.length; k++) {
    const s = sender.rows[k];
    const r = sender.match[s];
    if (r < 0) continue;
    const d = (seqR[r] - seqS[s]) >>> 0;
    if (d === first) firstCount++;
    else if (first === null) [first, firstCount] = [d, 1];
    else {
      others ??= new Map();
      others.set(d, (others.get(d) ?? 0) + 1);
    }
  }
  let best = first;
  let bestCount = firstCount;
  for (const [d, n] of others ?? []) if (n > bestCount) [best, bestCount] = [d, n];
  return best;
}

/** TCP header identity (flags, seq, ack, timestamps, IP ID) in the receiver's sequence space: finds payload changes. */
export function tcpHeaderKey(table: PacketTable, seqOffset: number, ackOffset: number): (row: number) => Identity {
  const c = table.columns;
  return (row) =>
    identityOf([c.tcpFlags[row], (c.seq[row] + seqOffset) >>> 0, (c.ack[row] + ackOffset) >>> 0, c.tsVal[row], c.tsEcr[row], c.ipId[row]]);
}

/** Identity without IP ID, pinned to the segment's place in the stream (mapped into the receiver's sequence space). */
export function tcpLooseKey(table: PacketTable, seqOffset: number, ackOffset: number): (row: number) => Identity {
  const c = table.columns;
  return (row) => looseIdentityAt(table, row, (c.seq[row] + seqOffset) >>> 0, (c.ack[row] + ackOffset) >>> 0);
}

interface Segment {
  row: number;
  start: number;
  end: number;
  time: number;
}

function segmentsByStart(side: DirectionSide, seqOffset: number): Map<number, Segment[]> {
  const c = side.table.columns;
  const byStart = new Map<number, Segment[]>();
  for (const row of side.rows) {
    if (side.match[row] !== -1 || c.protocol[row] !== 6 || c.payloadLength[row] === 0) continue;
    const start = (c.seq[row] + seqOffset) >>> 0;
    const seg = { row, start, end: (start + c.payloadLength[row]) >>> 0, time: side.time[row] };
    const list = byStart.get(start);
    if (list) list.push(seg);
    else byStart.set(start, [seg]);
  }
  return byStart;
}

/** Latest unused sender segment at `start` sent no later than `before`. */
function pickSender(list: Segment[] | undefined, isUsed: (row: number) => boolean, before: number): Segment | null {
  let best: Segment | null = null;
  for (const seg of list ?? []) if (!isUsed(seg.row) && seg.time <= before && (!best || seg.time > best.time)) best = seg;
  return best;
}

/** Earliest unused receiver segment at `start` received no earlier than `after`. */
function pickReceiver(list: Segment[] | undefined, isUsed: (row: number) => boolean, after: number): Segment | null {
  let best: Segment | null = null;
  for (const seg of list ?? []) if (!isUsed(seg.row) && seg.time >= after && (!best || seg.time < best.time)) best = seg;
  return best;
}

const MAX_SEGMENTS = 256;

/**
 * TCP data by sequence range: grows a group of sender and receiver segments from a common
 * start until both end at the same sequence number, so one super-segment pairs with its
 * pieces (TSO) and several segments with one merged copy (GRO). `slack` (s) tolerates
 * clock error: a copy may not be received more than that before it was sent.
 */
export function matchBySequenceRange(
  sender: DirectionSide,
  receiver: DirectionSide,
  seqOffset: number,
  slack: number,
  emit: PairSink,
): void {
  const senderStarts = segmentsByStart(sender, seqOffset);
  const receiverStarts = segmentsByStart(receiver, 0);
  if (senderStarts.size === 0 || receiverStarts.size === 0) return;
  const receiverSegs = [...receiverStarts.values()].flat().sort((x, y) => x.time - y.time);
  // Row numbers are per capture: keep the sender's and the receiver's apart.
  const usedS = new Set<number>();
  const usedR = new Set<number>();
  for (const first of receiverSegs) {
    if (usedR.has(first.row)) continue;
    const firstSent = pickSender(senderStarts.get(first.start), (row) => usedS.has(row), first.time + slack);
    if (!firstSent) continue;
    const sent = [firstSent];
    const received = [first];
    let endS = firstSent.end;
    let endR = first.end;
    const takenS = new Set([firstSent.row]);
    const takenR = new Set([first.row]);
    const isUsedS = (row: number) => usedS.has(row) || takenS.has(row);
    const isUsedR = (row: number) => usedR.has(row) || takenR.has(row);
    let ok = true;
    while (endS !== endR && sent.length + received.length < MAX_SEGMENTS) {
      // Compare positions modulo 2^32 relative to the group's start.
      const relS = (endS - first.start) >>> 0;
      const relR = (endR - first.start) >>> 0;
      const next =
        relS < relR
          ? pickSender(senderStarts.get(endS), isUsedS, received[received.length - 1].time + slack)
          : pickReceiver(receiverStarts.get(endR), isUsedR, sent[0].time - slack);
      if (!next) {
        ok = false;
        break;
      }
      if (relS < relR) {
        takenS.add(next.row);
        sent.push(next);
        endS = next.end;
      } else {
        takenR.add(next.row);
        received.push(next);
        endR = next.end;
      }
    }
    if (!ok || endS !== endR) continue;
    for (const row of takenS) usedS.add(row);
    for (const row of takenR) usedR.add(row);
    const segmented = sent.length > 1 || received.length > 1;
    for (const s of sent) {
      for (const r of received) {
        const overlaps = ((r.start - s.start) >>> 0) < ((s.end - s.start) >>> 0) || ((s.start - r.start) >>> 0) < ((r.end - r.start) >>> 0);
        if (!overlaps) continue;
        if (sender.match[s.row] === -1) sender.match[s.row] = r.row;
        if (receiver.match[r.row] === -1) receiver.match[r.row] = s.row;
        emit(s.row, r.row, segmented);
      }
    }
  }
  matchInsideSuperSegments(sender, receiver, [...senderStarts.values()].flat(), receiverSegs, usedR, slack, emit);
}

/** How many sender segments starting at or before a receiver segment are searched for one that contains it. */
const CONTAINMENT_SCAN = 64;

/**
 * Receiver segments left over once whole groups are paired: a piece of a super-segment whose
 * other pieces were lost on the way. Pairs each with the latest sender segment, sent before it
 * arrived, whose range contains it.
 */
function matchInsideSuperSegments(
  sender: DirectionSide,
  receiver: DirectionSide,
  senderSegs: Segment[],
  receiverSegs: Segment[],
  usedR: Set<number>,
  slack: number,
  emit: PairSink,
): void {
  const bySeq = senderSegs.filter((s) => s.end - s.start > 0).sort((x, y) => x.start - y.start);
  if (bySeq.length === 0) return;
  for (const r of receiverSegs) {
    if (usedR.has(r.row) || receiver.match[r.row] !== -1) continue;
    let lo = 0;
    let hi = bySeq.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bySeq[mid].start <= r.start) lo = mid + 1;
      else hi = mid;
    }
    let best: Segment | null = null;
    for (let k = lo - 1; k >= 0 && k >= lo - CONTAINMENT_SCAN; k--) {
      const s = bySeq[k];
      if (s.end >= r.end && s.time <= r.time + slack && (!best || s.time > best.time)) best = s;
    }
    if (!best || best.end - best.start === r.end - r.start) continue;
    if (sender.match[best.row] === -1) sender.match[best.row] = r.row;
    receiver.match[r.row] = best.row;
    emit(best.row, r.row, true);
  }
}
