// Clock model between the two captures: skew from the slopes of the lower envelopes of the
// delays of matched packets in each direction (Moon, Skelly, Towsley 1999: the LP line under
// all points that minimises the summed distance is the lower convex hull edge spanning the
// mean time), offset from the assumption that the minimum one-way delay is equal both ways.

import type { ClockModel } from "./types";

/** One matched packet: x = tB - tB0 (s); y = receiver time minus sender time as read (s). */
export interface DelaySamples {
  x: Float64Array;
  y: Float64Array;
}

export interface Line {
  intercept: number;
  slope: number;
  /** Time span (s) of the samples the line was fitted on. */
  span: number;
}

/**
 * Order of the samples by (x, y) as an index, or null when they are in that order already.
 * Matched packets come in time order; only runs of equal times (timestamp ties) may need
 * their delays ordered, which an insertion sort of each run does in place of a full sort.
 */
function sampleOrder({ x, y }: DelaySamples): Uint32Array | null {
  const n = x.length;
  let inOrder = true;
  let xSorted = true;
  for (let i = 1; i < n && xSorted; i++) {
    if (x[i - 1] > x[i]) xSorted = false;
    else if (x[i - 1] === x[i] && y[i - 1] > y[i]) inOrder = false;
  }
  if (xSorted && inOrder) return null;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!xSorted) return order.sort((i, j) => x[i] - x[j] || y[i] - y[j]);
  for (let k = 1; k < n; k++) {
    const i = order[k];
    let j = k - 1;
    for (; j >= 0 && x[order[j]] === x[i] && y[order[j]] > y[i]; j--) order[j + 1] = order[j];
    order[j + 1] = i;
  }
  return order;
}

/** Lower envelope line of (x, y) points (Moon et al.); null without samples. */
export function lowerEnvelope(samples: DelaySamples): Line | null {
  const n = samples.x.length;
  if (n === 0) return null;
  const order = sampleOrder(samples);
  const at = (k: number) => (order ? order[k] : k);
  const hull: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = at(k);
    while (hull.length >= 2) {
      const o = hull[hull.length - 2];
      const a = hull[hull.length - 1];
      const cross = (samples.x[a] - samples.x[o]) * (samples.y[i] - samples.y[o]) - (samples.y[a] - samples.y[o]) * (samples.x[i] - samples.x[o]);
      if (cross <= 0) hull.pop();
      else break;
    }
    if (hull.length === 1 && samples.x[hull[0]] === samples.x[i]) continue;
    hull.push(i);
  }
  const span = samples.x[at(n - 1)] - samples.x[at(0)];
  if (hull.length === 1 || span === 0) {
    let min = Infinity;
    for (const y of samples.y) min = Math.min(min, y);
    return { intercept: min, slope: 0, span: 0 };
  }
  let mean = 0;
  for (const x of samples.x) mean += x / n;
  for (let k = 0; k + 1 < hull.length; k++) {
    const a = hull[k];
    const b = hull[k + 1];
    if (samples.x[b] >= mean || k + 2 === hull.length) {
      const slope = (samples.y[b] - samples.y[a]) / (samples.x[b] - samples.x[a]);
      return { intercept: samples.y[a] - slope * samples.x[a], slope, span };
    }
  }
  return null;
}

function minimumBelow(samples: DelaySamples, slope: number): number {
  let min = Infinity;
  for (let i = 0; i < samples.x.length; i++) min = Math.min(min, samples.y[i] - slope * samples.x[i]);
  return min;
}

/**
 * Drops samples far below the bulk: one false match (two look-alike packets seconds apart)
 * would otherwise pull the whole envelope down. Delays above the bulk are queueing, and kept.
 * Compacts the samples in place and returns views of the kept ones: a copy would be 16 bytes
 * per matched packet more at the diff's busiest moment.
 */
export function withoutLowOutliers(samples: DelaySamples): DelaySamples {
  const n = samples.y.length;
  if (n < 5) return samples;
  // Median and median deviation from an evenly strided sample: enough for a fence this wide.
  const step = Math.max(1, Math.floor(n / 4096));
  const sample = new Float64Array(Math.ceil(n / step));
  for (let i = 0, j = 0; i < n; i += step) sample[j++] = samples.y[i];
  const median = sample.slice().sort()[sample.length >> 1];
  for (let j = 0; j < sample.length; j++) sample[j] = Math.abs(sample[j] - median);
  const fence = median - Math.max(0.05, 10 * sample.sort()[sample.length >> 1]);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (!(samples.y[i] >= fence)) continue;
    samples.x[kept] = samples.x[i];
    samples.y[kept++] = samples.y[i];
  }
  return { x: samples.x.subarray(0, kept), y: samples.y.subarray(0, kept) };
}

/**
 * Quartz clocks drift tens of ppm, and NTP slews at most 500 ppm: a steeper envelope comes
 * from too few or too short-lived samples, not from the clocks.
 */
const MAX_PLAUSIBLE_SKEW = 500e-6;

/** Below this, the two directions agree on the drift as well as µs timestamps allow: not worth a remark. */
const SPREAD_WORTH_SAYING_PPM = 5;

export const EQUAL_MIN_DELAY =
  "The minimum one-way delay is assumed equal in both directions: the offset is half the difference of the two lower envelopes. Delays above each direction's minimum do not depend on this assumption.";

/**
 * c2s: y = tB - tA of client-to-server packets; s2c: y = tA - tB of server-to-client packets;
 * both with x = tB - tB0. Model: tB - tA = offset + skew x + delay.
 */
export function estimateClock(
  c2s: DelaySamples,
  s2c: DelaySamples,
  referenceB: number,
  given?: { offsetSeconds: number; skewPpm?: number },
): ClockModel {
  let offset = 0;
  let skew = 0;
  let assumption = EQUAL_MIN_DELAY;
  let source: ClockModel["source"] = "estimated";
  let skewSpreadPpm: number | null = null;
  if (given) {
    offset = given.offsetSeconds;
    skew = (given.skewPpm ?? 0) * 1e-6;
    source = "given";
    assumption = "Offset and skew given by the user; one-way delays rest on them.";
  } else {
    c2s = withoutLowOutliers(c2s);
    s2c = withoutLowOutliers(s2c);
    const up = lowerEnvelope(c2s);
    const down = lowerEnvelope(s2c);
    // Each envelope's slope measures the skew (with opposite signs); trust each by its time span.
    const spans = (up?.span ?? 0) + (down?.span ?? 0);
    if (spans > 0) skew = ((up?.span ?? 0) * (up?.slope ?? 0) - (down?.span ?? 0) * (down?.slope ?? 0)) / spans;
    // Each direction alone gives a skew (the s2c envelope slopes by minus the skew): how far
    // apart they are says how well the data pin the drift down, whatever the cause.
    if (up && down && up.span > 0 && down.span > 0) skewSpreadPpm = (Math.abs(up.slope + down.slope) / 2) * 1e6;
    const implausibleSkew = Math.abs(skew) > MAX_PLAUSIBLE_SKEW ? skew : 0;
    if (implausibleSkew) skew = 0;
    if (up && down) {
      offset = (minimumBelow(c2s, skew) - minimumBelow(s2c, -skew)) / 2;
    } else if (up) {
      offset = minimumBelow(c2s, skew);
      assumption = "Only client-to-server packets were matched: the offset assumes a zero minimum delay that way.";
    } else if (down) {
      offset = -minimumBelow(s2c, -skew);
      assumption = "Only server-to-client packets were matched: the offset assumes a zero minimum delay that way.";
    } else {
      assumption = "No packet was matched: the clocks are taken as equal.";
    }
    if (implausibleSkew) {
      assumption += ` The delays' lower envelopes slope by ${(implausibleSkew * 1e6).toFixed(0)} ppm, more than clocks drift (too few packets or too short a span to measure drift): no drift is assumed.`;
    } else if (up && down && skewSpreadPpm !== null && skewSpreadPpm > SPREAD_WORTH_SAYING_PPM) {
      const span = Math.max(up.span, down.span);
      assumption += ` Alone, the client-to-server delays give a skew of ${(up.slope * 1e6).toFixed(1)} ppm and the server-to-client ones ${(-down.slope * 1e6).toFixed(1)} ppm: over ${span.toFixed(1)} s of matched packets the floor of the delays is not flat enough to pin the drift down better than about ±${skewSpreadPpm.toFixed(0)} ppm. Give the skew if it is known.`;
    }
  }
  const minUp = c2s.x.length ? (minimumBelow(c2s, skew) - offset) * 1e3 : null;
  const minDown = s2c.x.length ? (minimumBelow(s2c, -skew) + offset) * 1e3 : null;
  return {
    offsetSeconds: offset,
    skewPpm: skew * 1e6,
    skewSpreadPpm,
    referenceB,
    assumption,
    source,
    minDelayMs: { clientToServer: minUp, serverToClient: minDown },
    samples: { clientToServer: c2s.x.length, serverToClient: s2c.x.length },
  };
}

/** B's timestamp on A's clock; `tB` and `referenceB` in seconds from any common origin. */
export function bOnAClock(offsetSeconds: number, skewPpm: number, referenceB: number, tB: number): number {
  return tB - offsetSeconds - skewPpm * 1e-6 * (tB - referenceB);
}
