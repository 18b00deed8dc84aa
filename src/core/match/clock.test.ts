// Clock model on synthetic delay samples whose truth is known by construction.

import { describe, expect, it } from "vitest";
import { bOnAClock, estimateClock, lowerEnvelope, withoutLowOutliers, type DelaySamples } from "./clock";

function samples(points: [number, number][]): DelaySamples {
  return { x: Float64Array.from(points, (p) => p[0]), y: Float64Array.from(points, (p) => p[1]) };
}

/** Delays floor + queueing on a drifting clock: y = sign*(offset + skew*x) + floor + extra. */
function direction(sign: 1 | -1, offset: number, skew: number, floor: number, xs: number[], extra: (k: number) => number): DelaySamples {
  return samples(xs.map((x, k) => [x, sign * (offset + skew * x) + floor + extra(k)]));
}

describe("lowerEnvelope", () => {
  it("is the lower hull edge under the mean time (Moon et al.)", () => {
    // Points above the line y = 1 + 0.5x touch it at x = 0, 4 and 10.
    const line = lowerEnvelope(samples([[0, 1], [1, 3], [2, 2.5], [4, 3], [6, 5], [8, 6], [10, 6]]));
    expect(line?.slope).toBeCloseTo(0.5, 12);
    expect(line?.intercept).toBeCloseTo(1, 12);
    expect(line?.span).toBe(10);
  });

  it("handles one point and unsorted input", () => {
    expect(lowerEnvelope(samples([[3, 7]]))).toEqual({ intercept: 7, slope: 0, span: 0 });
    const line = lowerEnvelope(samples([[10, 6], [0, 1], [4, 3], [2, 2.5]]));
    expect(line?.slope).toBeCloseTo(0.5, 12);
    expect(lowerEnvelope(samples([]))).toBeNull();
  });
});

describe("estimateClock", () => {
  const xs = Array.from({ length: 200 }, (_, k) => k * 0.05);
  const jitter = (k: number) => (k % 7 === 0 ? 0 : ((k * 7919) % 1000) * 1e-5);

  it("recovers offset and skew when the minimum delays are equal", () => {
    const up = direction(1, 2.5, 40e-6, 0.03, xs, jitter);
    const down = direction(-1, 2.5, 40e-6, 0.03, xs, jitter);
    const clock = estimateClock(up, down, 1000);
    expect(clock.offsetSeconds).toBeCloseTo(2.5, 9);
    expect(clock.skewPpm).toBeCloseTo(40, 6);
    expect(clock.minDelayMs.clientToServer).toBeCloseTo(30, 6);
    expect(clock.minDelayMs.serverToClient).toBeCloseTo(30, 6);
    expect(clock.source).toBe("estimated");
    expect(clock.referenceB).toBe(1000);
    expect(clock.skewSpreadPpm).toBeLessThan(0.5);
    expect(clock.assumption).not.toMatch(/pin the drift down/);
  });

  it("says how far apart the two directions' skews are, and when that is large", () => {
    // The c2s floor tilts down by 100 ppm and the s2c floor by 140 ppm (queues draining at different
    // rates), on a true skew of 0: alone the directions give -100 and +140 ppm.
    const up = direction(1, 0.2, 0, 0.03, xs, (k) => jitter(k) - 100e-6 * xs[k]);
    const down = direction(-1, 0.2, 0, 0.045, xs, (k) => jitter(k) - 140e-6 * xs[k]);
    const clock = estimateClock(up, down, 0);
    expect(clock.skewPpm).toBeCloseTo(20, 6);
    expect(clock.skewSpreadPpm).toBeCloseTo(120, 6);
    expect(clock.assumption).toMatch(/client-to-server delays give a skew of -100\.0 ppm and the server-to-client ones 140\.0 ppm: over 10\.0 s .* about ±120 ppm/);
    expect(estimateClock(up, down, 0, { offsetSeconds: 0.2 }).skewSpreadPpm).toBeNull();
    expect(estimateClock(up, samples([]), 0).skewSpreadPpm).toBeNull();
  });

  it("splits unequal minimum delays evenly and says so", () => {
    const clock = estimateClock(direction(1, -0.7, 0, 0.03, xs, jitter), direction(-1, -0.7, 0, 0.045, xs, jitter), 0);
    // Offset carries half the difference of the two floors: (30 - 45) / 2 ms.
    expect(clock.offsetSeconds).toBeCloseTo(-0.7 - 0.0075, 9);
    expect(clock.minDelayMs.clientToServer).toBeCloseTo(37.5, 6);
    expect(clock.assumption).toMatch(/equal in both directions/);
  });

  it("assumes no drift when the envelopes slope more than clocks drift, and says so", () => {
    // Three packets each way within 20 ms, queued 0.5 ms longer each time one way and shorter
    // the other: envelopes sloping 0.05 either way, i.e. 50000 ppm of apparent drift.
    const few = [0, 0.01, 0.02];
    const clock = estimateClock(direction(1, 0.4, 0, 0.02, few, (k) => k * 5e-4), direction(-1, 0.4, 0, 0.02, few, (k) => (2 - k) * 5e-4), 0);
    expect(clock.skewPpm).toBe(0);
    expect(clock.offsetSeconds).toBeCloseTo(0.4, 9);
    expect(clock.assumption).toMatch(/equal in both directions/);
    expect(clock.assumption).toMatch(/slope by 50000 ppm, more than clocks drift.*no drift is assumed/);
  });

  it("takes the user's offset and skew instead", () => {
    const clock = estimateClock(direction(1, 1, 0, 0.01, xs, jitter), direction(-1, 1, 0, 0.01, xs, jitter), 0, { offsetSeconds: 0.995, skewPpm: 3 });
    expect(clock).toMatchObject({ offsetSeconds: 0.995, skewPpm: 3, source: "given" });
    expect(clock.minDelayMs.clientToServer).toBeCloseTo(15, 1);
  });

  it("falls back to one direction, and to equal clocks without samples", () => {
    const one = estimateClock(direction(1, 0.2, 0, 0.01, xs, jitter), samples([]), 0);
    expect(one.offsetSeconds).toBeCloseTo(0.21, 9);
    expect(one.assumption).toMatch(/Only client-to-server/);
    const none = estimateClock(samples([]), samples([]), 0);
    expect(none.offsetSeconds).toBe(0);
    expect(none.minDelayMs).toEqual({ clientToServer: null, serverToClient: null });
  });

  it("is not pulled down by a false match far below the bulk", () => {
    const up = direction(1, 5, 0, 0.02, xs, jitter);
    up.y[50] -= 9;
    const copy = { x: up.x.slice(), y: up.y.slice() };
    const clean = withoutLowOutliers(copy);
    expect(clean.y.length).toBe(xs.length - 1);
    expect(Array.from(clean.y)).not.toContain(up.y[50]);
    expect(estimateClock(up, direction(-1, 5, 0, 0.02, xs, jitter), 0).offsetSeconds).toBeCloseTo(5, 9);
  });
});

describe("bOnAClock", () => {
  it("maps B's time back with offset and skew from B's reference", () => {
    expect(bOnAClock(2, 100, 50, 60)).toBeCloseTo(60 - 2 - 100e-6 * 10, 12);
  });
});
