// Property: derive capture B from the traffic of capture A by a random NAT mapping, random
// drops, duplicates and delays, a clock offset and skew; the matcher recovers exactly that.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TcpFlag } from "../model/packet-table";
import { CapturePairBuilder, payloadBytes, type PacketSpec } from "../testing/craft";
import { diffCaptures } from "./diff";
import { pairTables } from "./pair-fixture";
import { RowStatus } from "./types";

interface PacketPlan {
  dir: 0 | 1;
  lost: boolean;
  duplicate: boolean;
  jitter: number;
}

interface SessionPlan {
  kind: "tcp" | "udp" | "icmp";
  mappedPort: number;
  gap: number;
  packets: PacketPlan[];
}

const packetPlan = fc.record({
  dir: fc.constantFrom<0 | 1>(0, 1),
  lost: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x < 0.15),
  duplicate: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x < 0.06),
  jitter: fc.double({ min: 0, max: 0.02, noNaN: true }),
});

const sessionPlan = fc.record({
  kind: fc.constantFrom<"tcp" | "udp" | "icmp">("tcp", "udp", "icmp"),
  mappedPort: fc.integer({ min: 0, max: 999 }),
  gap: fc.double({ min: 0.002, max: 0.05, noNaN: true }),
  packets: fc.array(packetPlan, { minLength: 2, maxLength: 30 }),
});

const scenario = fc.record({
  offset: fc.double({ min: -60, max: 60, noNaN: true }),
  skewPpm: fc.integer({ min: -200, max: 200 }),
  delay: fc.double({ min: 0.0005, max: 0.08, noNaN: true }),
  sessions: fc.array(sessionPlan, { minLength: 1, maxLength: 6 }),
});

const SERVICE = { tcp: 443, udp: 53, icmp: 0 };

type Scenario = { offset: number; skewPpm: number; delay: number; sessions: SessionPlan[] };

function build(sc: Scenario) {
  const pair = new CapturePairBuilder({ offset: sc.offset, skewPpm: sc.skewPpm, delay: sc.delay });
  const expectedMapping: string[] = [];
  sc.sessions.forEach((plan, k) => {
    const port = SERVICE[plan.kind];
    const ep = (addr: string, p: number) => (plan.kind === "icmp" ? addr : `${addr}:${p}`);
    const a = { client: ep(`192.168.${k}.${10 + k}`, 40000 + k), server: ep("10.1.1.7", port) };
    const b = { client: ep("198.51.100.1", 20000 + k * 1000 + plan.mappedPort), server: ep("172.16.5.148", port) };
    expectedMapping.push(`${a.client} ${a.server} ${b.client} ${b.server}`);
    const s = pair.session(a, b, [0x100 + k, 0x900 + k]);
    // Opening exchange and closing exchange are delivered at the base delay: the lower envelope's anchors.
    const packets: PacketPlan[] = [
      { dir: 0, lost: false, duplicate: false, jitter: 0 },
      { dir: 1, lost: false, duplicate: false, jitter: 0 },
      ...plan.packets,
      { dir: 0, lost: false, duplicate: false, jitter: 0 },
      { dir: 1, lost: false, duplicate: false, jitter: 0 },
    ];
    const seq = [1000 * (k + 1), 500000 * (k + 1)];
    packets.forEach((p, i) => {
      const t = k * 0.003 + i * plan.gap;
      const payload = payloadBytes(20 + ((i * 37) % 200), k * 1000 + i + 1);
      let spec: PacketSpec;
      if (plan.kind === "tcp") {
        const flags = i === 0 ? TcpFlag.SYN : i === 1 ? TcpFlag.SYN | TcpFlag.ACK : TcpFlag.PSH | TcpFlag.ACK;
        spec = { tcp: { seq: seq[p.dir], ack: seq[1 - p.dir], flags, payload: i < 2 ? undefined : payload } };
        seq[p.dir] += i < 2 ? 1 : payload.length;
      } else if (plan.kind === "udp") spec = { udp: { payload } };
      else spec = { icmp: { seq: i, payload } };
      const path = { delay: sc.delay + p.jitter, lost: p.lost, duplicates: p.duplicate ? [0.0003] : [] };
      const dir = i === 0 || i === packets.length - 2 ? 0 : i === 1 || i === packets.length - 1 ? 1 : p.dir;
      if (dir === 0) s.c2s(t, spec, path);
      else s.s2c(t, spec, path);
    });
  });
  return { pair, expectedMapping };
}

function senderCapture(dir: 0 | 1): 0 | 1 {
  return dir === 0 ? 0 : 1;
}

describe("matcher recovers a randomly derived capture", () => {
  it("finds the NAT mapping, every drop and duplicate, the clock and every delay", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const { pair, expectedMapping } = build(sc);
        const [a, b] = await pairTables(pair);
        const r = diffCaptures(a, b);
        const numbers = [pair.frameNumbers(0), pair.frameNumbers(1)];
        const frameOf = (capture: 0 | 1, f: (typeof pair.framesA)[number]) => numbers[capture].get(f) as number;

        const mapping = r.sessions.filter((s) => s.sides.length === 2).map((s) => `${s.sides[0].client} ${s.sides[0].server} ${s.sides[1].client} ${s.sides[1].server}`);
        expect(mapping.sort()).toEqual([...expectedMapping].sort());

        const lostWant = pair.sent.filter((p) => p.received.length === 0).map((p) => `${senderCapture(p.direction)}:${frameOf(senderCapture(p.direction), p.sender)}`);
        const lostGot = r.events.filter((e) => e.kind === "lost").map((e) => `${e.frames[0].capture}:${e.frames[0].frame}`);
        expect(lostGot.sort()).toEqual(lostWant.sort());
        expect(r.events.filter((e) => e.kind === "injected" || e.kind === "modified" || e.kind === "outside-window")).toEqual([]);

        // Each duplicate names the sender's frame, the first copy received and the extra copy.
        const dupWant = pair.sent
          .filter((p) => p.received.length > 1)
          .map((p) => {
            const receiver = p.direction === 0 ? 1 : 0;
            return [frameOf(senderCapture(p.direction), p.sender), frameOf(receiver, p.received[0]), frameOf(receiver, p.received[1])].join(" ");
          });
        const dupGot = r.events.filter((e) => e.kind === "duplicated").map((e) => e.frames.map((f) => f.frame).join(" "));
        expect(dupGot.sort()).toEqual(dupWant.sort());

        const firstB = Math.min(...pair.framesB.map((f) => f.time));
        const trueFirstB = (firstB - sc.offset) / (1 + sc.skewPpm * 1e-6);
        expect(Math.abs(r.clock.offsetSeconds - (firstB - trueFirstB))).toBeLessThan(2e-6);
        expect(Math.abs(r.clock.skewPpm - sc.skewPpm)).toBeLessThan(1);

        const delayOf = new Map<string, number>();
        for (const p of pair.sent) {
          for (const copy of p.received.slice(0, 1)) {
            const s = frameOf(senderCapture(p.direction), p.sender);
            const rcv = frameOf(p.direction === 0 ? 1 : 0, copy);
            delayOf.set(p.direction === 0 ? `${s}:${rcv}` : `${rcv}:${s}`, p.delay);
          }
        }
        let matched = 0;
        for (let k = 0; k < r.rows.count; k++) {
          if (r.rows.status[k] !== RowStatus.MATCHED) continue;
          const delay = delayOf.get(`${r.rows.frameA[k]}:${r.rows.frameB[k]}`);
          expect(delay).toBeDefined();
          expect(Math.abs(r.rows.owdMs[k] - (delay as number) * 1e3)).toBeLessThan(0.005);
          expect(Math.abs(r.rows.aboveMinMs[k] - ((delay as number) - sc.delay) * 1e3)).toBeLessThan(0.005);
          matched++;
        }
        expect(matched).toBe(delayOf.size);
      }),
      { numRuns: 60 },
    );
  });
});
