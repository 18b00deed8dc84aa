// The delay-over-time chart of one session: one-way delay of every packet seen at both
// points against its send time (on A's clock), per direction, and the lost packets, as
// aligned columns ready to plot. Thinned to a few points per pixel column for big sessions,
// keeping each column's lowest and highest delay so spikes (S7) survive the thinning.
import { relativeSeconds, type PacketTable } from "../model/packet-table";
import { Direction, RowStatus, type AlignedRows, type ClockModel, type DiffResult } from "./types";

export interface DelaySeries {
  /** Seconds since the session's first packet, on A's clock; ascending. */
  time: number[];
  /** One-way delay in ms at each time, per direction (null: no point of that series there). */
  delayC2S: Array<number | null>;
  delayS2C: Array<number | null>;
  /** 1 where a packet of that direction was sent and never arrived. */
  lostC2S: Array<number | null>;
  lostS2C: Array<number | null>;
  /** Packets with a delay (seen at both points), per direction [c2s, s2c], before thinning. */
  delayed: [number, number];
  lost: [number, number];
  /** Delay points drawn per direction (equal to `delayed` unless thinned). */
  points: [number, number];
  maxDelayMs: [number | null, number | null];
  thinned: boolean;
}

/** Send time in seconds since `base` on A's clock; B's timestamps are mapped through the clock model. */
function sendTime(rows: AlignedRows, r: number, a: PacketTable, b: PacketTable, clock: ClockModel, base: number): number {
  if (rows.frameA[r]) return relativeSeconds(a, rows.frameA[r] - 1, base);
  const tB = relativeSeconds(b, rows.frameB[r] - 1, base);
  const refB = clock.referenceB - base;
  return tB - clock.offsetSeconds - clock.skewPpm * 1e-6 * (tB - refB);
}

/**
 * Marks which of `candidates` (session-relative rows, in any order) to draw: all of them when
 * there are at most `perColumn` × `columns`, else the lowest and highest delay of each column.
 */
function thin(candidates: number[], times: Float64Array, delays: Float64Array, columns: number, perColumn: number, keep: Uint8Array, t0: number, span: number): void {
  if (candidates.length <= perColumn * columns) {
    for (const i of candidates) keep[i] = 1;
    return;
  }
  const low = new Int32Array(columns).fill(-1);
  const high = new Int32Array(columns).fill(-1);
  for (const i of candidates) {
    const col = Math.min(columns - 1, Math.floor(((times[i] - t0) / span) * columns));
    if (low[col] < 0 || delays[i] < delays[low[col]]) low[col] = i;
    if (high[col] < 0 || delays[i] > delays[high[col]]) high[col] = i;
  }
  for (let col = 0; col < columns; col++) {
    if (low[col] >= 0) keep[low[col]] = 1;
    if (high[col] >= 0) keep[high[col]] = 1;
  }
}

/** The chart's columns for `session`, thinned to at most about 2 delay points per direction per pixel column of `width`. */
export function delaySeries(result: DiffResult, a: PacketTable, b: PacketTable, session: number, width: number): DelaySeries {
  const { rows, clock } = result;
  const start = rows.sessionRowStart[session];
  const total = rows.sessionRowStart[session + 1] - start;
  const base = a.count > 0 ? a.columns.tsSec[0] : b.count > 0 ? b.columns.tsSec[0] : 0;
  const times = new Float64Array(total);
  const delays = new Float64Array(total);
  const delayed: [number[], number[]] = [[], []];
  const lost: [number[], number[]] = [[], []];
  let t0 = Infinity;
  let t1 = -Infinity;
  for (let i = 0; i < total; i++) {
    const r = start + i;
    const dir = rows.direction[r] === Direction.CLIENT_TO_SERVER ? 0 : 1;
    delays[i] = rows.owdMs[r];
    const isDelayed = !Number.isNaN(rows.owdMs[r]);
    const isLost = rows.status[r] === RowStatus.LOST;
    if (!isDelayed && !isLost) continue;
    (isDelayed ? delayed : lost)[dir].push(i);
    times[i] = sendTime(rows, r, a, b, clock, base);
    t0 = Math.min(t0, times[i]);
    t1 = Math.max(t1, times[i]);
  }
  const columns = Math.max(1, Math.floor(width));
  const span = t1 > t0 ? t1 - t0 : 1;
  const keep = new Uint8Array(total);
  for (const dir of [0, 1]) {
    thin(delayed[dir], times, delays, columns, 2, keep, t0, span);
    // Lost packets have no delay: with all-equal stand-in delays thin() keeps one mark per column.
    thin(lost[dir], times, new Float64Array(total), columns, 1, keep, t0, span);
  }
  const kept: number[] = [];
  for (let i = 0; i < total; i++) if (keep[i]) kept.push(i);
  kept.sort((x, y) => times[x] - times[y] || x - y);
  const out: DelaySeries = {
    time: [],
    delayC2S: [],
    delayS2C: [],
    lostC2S: [],
    lostS2C: [],
    delayed: [delayed[0].length, delayed[1].length],
    lost: [lost[0].length, lost[1].length],
    points: [0, 0],
    maxDelayMs: [null, null],
    thinned: kept.length < delayed[0].length + delayed[1].length + lost[0].length + lost[1].length,
  };
  for (const i of kept) {
    const r = start + i;
    const dir = rows.direction[r] === Direction.CLIENT_TO_SERVER ? 0 : 1;
    const hasDelay = !Number.isNaN(delays[i]);
    out.time.push(Number.isFinite(t0) ? times[i] - t0 : 0);
    out.delayC2S.push(hasDelay && dir === 0 ? delays[i] : null);
    out.delayS2C.push(hasDelay && dir === 1 ? delays[i] : null);
    out.lostC2S.push(!hasDelay && dir === 0 ? 1 : null);
    out.lostS2C.push(!hasDelay && dir === 1 ? 1 : null);
    if (hasDelay) {
      out.points[dir]++;
      const max = out.maxDelayMs[dir];
      if (max === null || delays[i] > max) out.maxDelayMs[dir] = delays[i];
    }
  }
  return out;
}
