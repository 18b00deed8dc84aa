// diffCaptures beyond the scenarios: injected packets, sessions lost entirely, captures given
// in the wrong order, the user's manual pairing and clock, and per-session row views.

import { describe, expect, it } from "vitest";
import { TcpFlag } from "../model/packet-table";
import { CapturePairBuilder, ethernetFrame, ipPacket, payloadBytes } from "../testing/craft";
import { diffCaptures } from "./diff";
import { pairTables } from "./pair-fixture";
import { RowStatus, sessionRows } from "./types";

const { SYN, ACK, PSH, RST } = TcpFlag;

/** Two NATed TCP sessions to one server; the second one's packets never reach B. */
function natPair() {
  const pair = new CapturePairBuilder({ offset: 1.25, delay: 0.02, hops: 2 });
  const one = pair.session({ client: "192.168.1.10:41000", server: "10.1.1.7:80" }, { client: "203.0.113.5:60001", server: "198.51.100.7:80" });
  one.c2s(0, { tcp: { seq: 1, flags: SYN, timestamps: [10, 0] } });
  one.s2c(0.021, { tcp: { seq: 50, ack: 2, flags: SYN | ACK, timestamps: [90, 10] } });
  one.c2s(0.042, { tcp: { seq: 2, ack: 51, flags: ACK, timestamps: [11, 90] } });
  one.c2s(0.043, { tcp: { seq: 2, ack: 51, flags: PSH | ACK, payload: payloadBytes(80, 1), timestamps: [12, 90] } });
  one.s2c(0.065, { tcp: { seq: 51, ack: 82, flags: PSH | ACK, payload: payloadBytes(300, 2), timestamps: [91, 12] } });
  one.c2s(0.5, { tcp: { seq: 82, ack: 351, flags: ACK, timestamps: [13, 91] } });
  const two = pair.session({ client: "192.168.1.10:41001", server: "10.1.1.7:80" }, { client: "203.0.113.5:60002", server: "198.51.100.7:80" });
  two.c2s(0.1, { tcp: { seq: 700, flags: SYN }, id: 9000 }, { lost: true });
  two.c2s(1.1, { tcp: { seq: 700, flags: SYN }, id: 9001 }, { lost: true });
  // A reset forged between the points, in the client's name: B sees it, A never sent it.
  pair.only(1, 0.3, ethernetFrame(ipPacket({ src: "203.0.113.5", dst: "198.51.100.7", ttl: 62, id: 0 }, { tcp: { srcPort: 60001, dstPort: 80, seq: 82, ack: 351, flags: RST } })));
  // The last frames keep both captures running past the lost SYNs.
  one.c2s(1.5, { tcp: { seq: 82, ack: 351, flags: FIN_ACK, timestamps: [14, 91] } });
  one.s2c(1.6, { tcp: { seq: 351, ack: 83, flags: FIN_ACK, timestamps: [92, 14] } });
  return pair;
}
const FIN_ACK = TcpFlag.FIN | TcpFlag.ACK;

describe("diffCaptures", () => {
  it("names an injected reset by B's frame and a session that never reached B as entirely lost", async () => {
    const [a, b] = await pairTables(natPair());
    const r = diffCaptures(a, b);

    const injected = r.events.filter((e) => e.kind === "injected");
    expect(injected).toHaveLength(1);
    expect(injected[0]).toMatchObject({ session: 0, direction: "client-to-server", frames: [{ capture: 1, frame: 6 }] });
    const lostSession = r.sessions.find((s) => s.sides.length === 1 && s.sides[0].client === "192.168.1.10:41001");
    expect(lostSession?.oneSided).toBe("entirely-lost");
    expect(r.events.filter((e) => e.kind === "lost" && e.session === lostSession?.id).map((e) => e.frames)).toEqual([
      [{ capture: 0, frame: 6 }],
      [{ capture: 0, frame: 8 }],
    ]);
    expect(r.findings.map((f) => f.code)).toEqual(expect.arrayContaining(["injected", "session-entirely-lost"]));
    expect(r.sessions[0].rewrites).toContainEqual({ field: "ttl", direction: "client-to-server", from: "64", to: "62" });
    expect(r.reversed).toBe(false);
  });

  it("counts a pair's evidence in packets of the smaller side, a duplicated copy included", async () => {
    const pair = new CapturePairBuilder({ offset: 0.5, delay: 0.02 });
    const dns = pair.session({ client: "192.168.1.10:53000", server: "10.1.1.53:53" }, { client: "203.0.113.5:61000", server: "198.51.100.53:53" });
    dns.c2s(0, { udp: { payload: payloadBytes(40, 1) } });
    dns.s2c(0.03, { udp: { payload: payloadBytes(90, 2) } }, { duplicates: [0.0002] });
    const [a, b] = await pairTables(pair);
    const r = diffCaptures(a, b);
    expect(r.sessions[0].sides.map((s) => s.packets)).toEqual([3, 2]);
    expect(r.sessions[0].evidence[0]).toMatch(/^2 of 2 packets have the same identity/);
  });

  it("says when the captures look swapped", async () => {
    const [a, b] = await pairTables(natPair());
    const r = diffCaptures(b, a);
    expect(r.reversed).toBe(true);
    expect(r.findings[0].code).toBe("captures-reversed");
  });

  it("obeys manual unpairing and pairing, and a given clock", async () => {
    const [a, b] = await pairTables(natPair());
    const auto = diffCaptures(a, b);
    const [flowA, flowB] = [auto.sessions[0].sides[0].flow, auto.sessions[0].sides[1].flow];

    const unpaired = diffCaptures(a, b, { manualUnpairs: [{ a: flowA, b: flowB }] });
    expect(unpaired.sessions.filter((s) => s.sides.length === 2)).toHaveLength(0);

    const lostFlow = auto.sessions.find((s) => s.oneSided === "entirely-lost")?.sides[0].flow as number;
    const forced = diffCaptures(a, b, { manualPairs: [{ a: lostFlow, b: flowB }] });
    const manual = forced.sessions.find((s) => s.manual);
    expect(manual?.sides.map((s) => s.flow)).toEqual([lostFlow, flowB]);
    expect(manual?.evidence[0]).toBe("paired by hand");
    expect(manual?.confidence).toBe(1);

    const given = diffCaptures(a, b, { clock: { offsetSeconds: 1.24 } });
    expect(given.clock).toMatchObject({ offsetSeconds: 1.24, skewPpm: 0, source: "given" });
    const rows = sessionRows(given.rows, 0);
    const first = Array.from(rows.status).indexOf(RowStatus.MATCHED);
    expect(rows.owdMs[first]).toBeCloseTo(30, 6);
  });

  it("lays out each session's rows in time order with their status", async () => {
    const [a, b] = await pairTables(natPair());
    const r = diffCaptures(a, b);
    expect(r.rows.sessionRowStart[r.sessions.length]).toBe(r.rows.count);
    const rows = sessionRows(r.rows, 0);
    expect(Array.from(rows.frameA)).toEqual([1, 2, 3, 4, 5, 0, 7, 9, 10]);
    expect(Array.from(rows.frameB)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(rows.status)).toEqual([0, 0, 0, 0, 0, RowStatus.INJECTED, 0, 0, 0]);
    expect(Array.from(rows.direction)).toEqual([0, 1, 0, 0, 1, 0, 0, 0, 1]);
    expect(rows.aboveMinMs[0]).toBeCloseTo(0, 6);
  });
});
