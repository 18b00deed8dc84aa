// S7 on a crafted pair: every 10th client-to-server datagram is held 0.4 s on the path.
// The chart's columns and the delay order must make those packets stand out.
import { describe, expect, it } from "vitest";
import { CapturePairBuilder, payloadBytes } from "../testing/craft";
import { delaySeries } from "./delay-series";
import { diffCaptures } from "./diff";
import { pairTables } from "./pair-fixture";
import { alignedOrder } from "./row-order";
import { Direction } from "./types";

const PACKETS = 200;
const HELD_EVERY = 10;
const LOST = new Set([55, 123]);

async function shapedPair() {
  const pair = new CapturePairBuilder({ offset: 1.5, delay: 0.02 });
  const s = pair.session({ client: "192.168.1.66:40000", server: "10.1.1.7:5000" }, { client: "172.16.5.14:40000", server: "10.1.1.7:5000" });
  for (let k = 0; k < PACKETS; k++) {
    const held = k % HELD_EVERY === HELD_EVERY - 1;
    s.c2s(k * 0.01, { udp: { payload: payloadBytes(200, k) } }, { delay: held ? 0.42 : 0.02, lost: LOST.has(k) });
    if (k % 4 === 0) s.s2c(k * 0.01 + 0.005, { udp: { payload: payloadBytes(60, 1000 + k) } });
  }
  const [a, b] = await pairTables(pair);
  const result = diffCaptures(a, b);
  const session = result.sessions.findIndex((x) => x.sides.length === 2);
  return { a, b, result, session };
}

describe("delaySeries", () => {
  it("has one point per delivered packet per direction, the lost ones marked, the held ones at +0.4 s", async () => {
    const { a, b, result, session } = await shapedPair();
    const series = delaySeries(result, a, b, session, 1000);
    const heldDelivered = PACKETS / HELD_EVERY;
    expect(series.delayed).toEqual([PACKETS - LOST.size, PACKETS / 4]);
    expect(series.lost).toEqual([LOST.size, 0]);
    expect(series.points).toEqual(series.delayed);
    expect(series.thinned).toBe(false);
    expect(series.time).toHaveLength(PACKETS - LOST.size + PACKETS / 4 + LOST.size);
    for (let i = 1; i < series.time.length; i++) expect(series.time[i]).toBeGreaterThanOrEqual(series.time[i - 1]);
    const c2s = series.delayC2S.filter((d): d is number => d !== null);
    expect(c2s.filter((d) => d > 300)).toHaveLength(heldDelivered);
    // Equal minimum delays both ways (the clock assumption) and a true 20 ms path: 420 ms held.
    expect(series.maxDelayMs[0]).toBeCloseTo(420, 0);
    expect(series.maxDelayMs[1]).toBeCloseTo(20, 0);
    // Lost packets sit at their send times: packet k was sent k × 10 ms after the first.
    const lostTimes = series.time.filter((_, i) => series.lostC2S[i] === 1);
    expect(lostTimes.map((t) => Math.round(t * 1000))).toEqual([550, 1230]);
  });

  it("thins a session wider than the chart to each pixel column's lowest and highest delay", async () => {
    const { a, b, result, session } = await shapedPair();
    const series = delaySeries(result, a, b, session, 8);
    expect(series.thinned).toBe(true);
    expect(series.points[0]).toBeLessThanOrEqual(16);
    expect(series.points[0]).toBeGreaterThan(8);
    expect(series.delayed).toEqual([PACKETS - LOST.size, PACKETS / 4]);
    expect(series.maxDelayMs[0]).toBeCloseTo(420, 0);
    expect(series.lostC2S.filter((x) => x === 1).length).toBeLessThanOrEqual(LOST.size);
  });
});

describe("alignedOrder", () => {
  it("puts the held packets first when sorted by delay, rows without a delay last", async () => {
    const { result, session } = await shapedPair();
    const { rows } = result;
    const start = rows.sessionRowStart[session];
    const order = alignedOrder(rows, session, { by: "delay", descending: true });
    const total = rows.sessionRowStart[session + 1] - start;
    expect(order).toHaveLength(total);
    expect(new Set(order).size).toBe(total);
    const delays = [...order].map((i) => rows.owdMs[start + i]);
    for (let p = 0; p < PACKETS / HELD_EVERY; p++) {
      expect(delays[p]).toBeGreaterThan(400);
      expect(rows.direction[start + order[p]]).toBe(Direction.CLIENT_TO_SERVER);
    }
    expect(delays[PACKETS / HELD_EVERY]).toBeLessThan(30);
    const withDelay = delays.filter((d) => !Number.isNaN(d));
    expect(withDelay).toEqual([...withDelay].sort((x, y) => y - x));
    expect(delays.slice(withDelay.length).every((d) => Number.isNaN(d))).toBe(true);
    const ascending = alignedOrder(rows, session, { by: "delay", descending: false });
    expect(rows.owdMs[start + ascending[0]]).toBeLessThan(30);
    expect([...alignedOrder(rows, session, { by: "time", descending: false })]).toEqual([...Array(total).keys()]);
  });
});
