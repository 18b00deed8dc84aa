// SCENARIOS S7: a fixed extra delay on some packets (QoS, shaping) shows as one-way delays
// far above the direction's usual; when they recur every Nth packet, say so. The extra time
// is measured between the two capture points (receiver's capture minus sender's), so it is
// added on the path, not in either host: a host that waits before sending shows it in its
// own capture, not here.

import { Direction, DIRECTIONS, RowStatus, type DiffResult, type Finding } from "../match/types";

/** Below this, extra delay is ordinary jitter or queueing. */
const SPIKE_FLOOR_MS = 50;
/** A spike also stands this many times above the direction's median extra delay. */
const SPIKE_OVER_MEDIAN = 5;
/** Share of the gaps between spikes that must be equal to call them periodic. */
const PERIODIC_SHARE = 0.8;

/** The upper median of values, reordering them in place (a typed array sorts numbers without a comparator). */
function median(values: Float64Array): number {
  values.sort();
  return values.length ? values[Math.floor(values.length / 2)] : 0;
}

/** The most common gap between consecutive spikes, when nearly all gaps are that one. */
function period(positions: number[]): number | null {
  if (positions.length < 3) return null;
  const counts = new Map<number, number>();
  for (let i = 1; i < positions.length; i++) {
    const gap = positions[i] - positions[i - 1];
    counts.set(gap, (counts.get(gap) ?? 0) + 1);
  }
  const [gap, n] = [...counts].reduce((best, x) => (x[1] > best[1] ? x : best));
  return gap > 1 && n >= PERIODIC_SHARE * (positions.length - 1) ? gap : null;
}

export function delaySpikes(result: DiffResult): Finding[] {
  const { rows, sessions } = result;
  const out: Finding[] = [];
  // Scratch buffers, as long as the longest session, for every direction's extra delays (in row order, then sorted).
  let longest = 0;
  for (const s of sessions) longest = Math.max(longest, rows.sessionRowStart[s.id + 1] - rows.sessionRowStart[s.id]);
  const scratch = new Float64Array(longest);
  const sorted = new Float64Array(longest);
  for (const s of sessions) {
    if (s.sides.length < 2) continue;
    for (const dir of DIRECTIONS) {
      // The direction's matched packets in row order (send order), with their extra delay.
      let n = 0;
      for (let r = rows.sessionRowStart[s.id]; r < rows.sessionRowStart[s.id + 1]; r++) {
        if (rows.direction[r] === dir && rows.status[r] === RowStatus.MATCHED) scratch[n++] = rows.aboveMinMs[r];
      }
      let highest = -Infinity;
      for (let i = 0; i < n; i++) highest = Math.max(highest, scratch[i]);
      // Every spike is above the floor: most directions stop here, before the median's sort.
      if (highest < SPIKE_FLOOR_MS) continue;
      const extra = scratch.subarray(0, n);
      const ordered = sorted.subarray(0, n);
      ordered.set(extra);
      const usual = median(ordered);
      const threshold = Math.max(SPIKE_FLOOR_MS, SPIKE_OVER_MEDIAN * usual);
      const spikes: number[] = [];
      for (let i = 0; i < n; i++) if (extra[i] >= threshold) spikes.push(i);
      if (!spikes.length) continue;
      const least = Math.min(...spikes.map((i) => extra[i]));
      const every = period(spikes);
      const [from, to] = dir === Direction.CLIENT_TO_SERVER ? ["client", "server"] : ["server", "client"];
      const side = s.sides[0];
      out.push({
        severity: "warning",
        code: "path-delay-spikes",
        title: `${spikes.length} of ${extra.length} packets ${from} → ${to} delayed ${Math.round(least)} ms or more on the path${every ? `, every ${every}th packet` : ""}: ${s.protocol.toUpperCase()} ${side.client} → ${side.server}`,
        text: `These packets took at least ${Math.round(least)} ms longer between the ${from}-side and the ${to}-side capture points than the fastest packet that way (the median took ${usual.toFixed(1)} ms longer). The time is added on the path between the two points, for example by traffic shaping or a QoS queue, not by either host. Sort the session's rows by one-way delay to see them.`,
        sessions: [s.id],
      });
    }
  }
  return out;
}
