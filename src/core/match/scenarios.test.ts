// Acceptance scenarios of SCENARIOS.md (S1-S6, S8, S11, S12) on crafted capture pairs,
// written as pcap files and read back through the real reader and decoder.

import { describe, expect, it } from "vitest";
import { TcpFlag } from "../model/packet-table";
import { CapturePairBuilder, ethernetFrame, ipPacket, payloadBytes } from "../testing/craft";
import { diffCaptures } from "./diff";
import { pairTables } from "./pair-fixture";
import { RowFlag, RowStatus, type DiffResult } from "./types";

const { SYN, ACK, PSH, RST } = TcpFlag;

function eventsOf(r: DiffResult, kind: string) {
  return r.events.filter((e) => e.kind === kind);
}

function codes(r: DiffResult): string[] {
  return r.findings.map((f) => f.code);
}

describe("S1: continuation segment and its retransmissions lost on the way", () => {
  it("pairs the session and marks the original and all five retransmissions lost client-to-server", async () => {
    const pair = new CapturePairBuilder({ offset: 0.8, delay: 0.01 });
    const s = pair.session(
      { client: "192.168.1.66:40001", server: "10.1.1.7:80" },
      { client: "192.168.1.66:40001", server: "10.1.1.7:80" },
    );
    s.c2s(0, { tcp: { seq: 1000, flags: SYN, mss: 1460 } });
    s.s2c(0.02, { tcp: { seq: 5000, ack: 1001, flags: SYN | ACK, mss: 1460 } });
    s.c2s(0.04, { tcp: { seq: 1001, ack: 5001, flags: ACK } });
    s.c2s(0.05, { tcp: { seq: 1001, ack: 5001, flags: PSH | ACK, payload: payloadBytes(300, 1) } });
    s.s2c(0.07, { tcp: { seq: 5001, ack: 1301, flags: ACK } });
    const lostAt = [0.06, 0.5, 1.5, 3.5, 7.5, 15.5];
    for (const t of lostAt) s.c2s(t, { tcp: { seq: 1301, ack: 5001, flags: PSH | ACK, payload: payloadBytes(1000, 2) } }, { lost: true });
    s.c2s(0.061, { tcp: { seq: 2301, ack: 5001, flags: PSH | ACK, payload: payloadBytes(200, 3) } });
    s.s2c(0.09, { tcp: { seq: 5001, ack: 1301, flags: ACK } });
    s.s2c(120, { tcp: { seq: 5001, ack: 1301, flags: RST | ACK } });
    const [a, b] = await pairTables(pair);
    const r = diffCaptures(a, b);

    expect(r.sessions.filter((x) => x.sides.length === 2)).toHaveLength(1);
    const lost = eventsOf(r, "lost");
    expect(lost).toHaveLength(6);
    expect(lost.every((e) => e.direction === "client-to-server" && e.frames[0].capture === 0)).toBe(true);
    // A's frames in time order: SYN 1, SYN-ACK 2, ACK 3, POST 4, continuation 5, next 6, ACK 7, ACK 8, retransmissions 9-13, RST 14.
    expect(lost.map((e) => e.frames[0].frame).sort((x, y) => x - y)).toEqual([5, 9, 10, 11, 12, 13]);
    expect(lost.filter((e) => e.detail?.startsWith("retransmission"))).toHaveLength(5);
    expect(eventsOf(r, "injected")).toHaveLength(0);
    const finding = r.findings.find((f) => f.code === "loss-between-points");
    expect(finding?.text).toContain("between the two capture points");
  });
});

describe("S2: NAT rewrites addresses, ports and the MSS; the time is spent in the path", () => {
  it("pairs across NAT, lists every rewrite and finds the clock offset and path delays", async () => {
    const pair = new CapturePairBuilder({ offset: 3.25, delay: 0.045 });
    const s = pair.session(
      { client: "192.168.1.66:46739", server: "10.1.1.7:1433" },
      { client: "172.16.5.14:63584", server: "192.168.200.148:1433" },
    );
    let ts = 11322755;
    s.c2s(0, { tcp: { seq: 7000, flags: SYN, mss: 1460, timestamps: [ts, 0] } }, { atReceiver: { mss: 1380 } });
    s.s2c(0.046, { tcp: { seq: 9000, ack: 7001, flags: SYN | ACK, mss: 1460, timestamps: [500, ts] } }, { atReceiver: { mss: 1380 } });
    s.c2s(0.091, { tcp: { seq: 7001, ack: 9001, flags: ACK, timestamps: [++ts, 500] } });
    let seqC = 7001;
    let seqS = 9001;
    for (let k = 0; k < 10; k++) {
      const t = 0.2 + k * 0.2;
      s.c2s(t, { tcp: { seq: seqC, ack: seqS, flags: PSH | ACK, payload: payloadBytes(120, 10 + k), timestamps: [++ts, 500 + k] } });
      seqC += 120;
      s.s2c(t + 0.0455, { tcp: { seq: seqS, ack: seqC, flags: PSH | ACK, payload: payloadBytes(400, 40 + k), timestamps: [501 + k, ts] } });
      seqS += 400;
    }
    const [a, b] = await pairTables(pair);
    const r = diffCaptures(a, b);

    const session = r.sessions[0];
    expect(session.sides.map((x) => [x.client, x.server])).toEqual([
      ["192.168.1.66:46739", "10.1.1.7:1433"],
      ["172.16.5.14:63584", "192.168.200.148:1433"],
    ]);
    const rewrites = session.rewrites.map((w) => `${w.field} ${w.direction} ${w.from}->${w.to}`);
    expect(rewrites).toEqual(
      expect.arrayContaining([
        "src-address client-to-server 192.168.1.66->172.16.5.14",
        "src-port client-to-server 46739->63584",
        "dst-address client-to-server 10.1.1.7->192.168.200.148",
        "mss client-to-server 1460->1380",
        "mss server-to-client 1460->1380",
        "ttl client-to-server 64->63",
      ]),
    );
    expect(rewrites.some((w) => w.startsWith("dst-port"))).toBe(false);
    expect(r.clock.offsetSeconds).toBeCloseTo(3.25, 5);
    expect(r.clock.minDelayMs.clientToServer).toBeCloseTo(45, 3);
    expect(r.clock.minDelayMs.serverToClient).toBeCloseTo(45, 3);
    expect(r.events).toHaveLength(0);
    expect(codes(r)).toContain("path-delay");
  });
});

describe("S3: a middlebox adds two bytes to the SYN-ACK", () => {
  it("matches both copies and shows IP length, payload length and checksum as modified", async () => {
    const pair = new CapturePairBuilder({ offset: -1.5, delay: 0.01 });
    const s = pair.session(
      { client: "10.0.0.5:50123", server: "192.0.2.80:443" },
      { client: "198.51.100.7:50123", server: "192.0.2.80:443" },
    );
    s.c2s(0, { tcp: { seq: 100, flags: SYN, mss: 1460 } });
    s.s2c(0.011, { tcp: { seq: 800, ack: 101, flags: SYN | ACK, mss: 1460 }, id: 4242 }, { atReceiver: { payload: Uint8Array.of(0x0d, 0x0a) } });
    s.c2s(0.022, { tcp: { seq: 101, ack: 803, flags: ACK } });
    const [a, b] = await pairTables(pair);
    const r = diffCaptures(a, b);

    const modified = eventsOf(r, "modified");
    expect(modified).toHaveLength(1);
    expect(modified[0].direction).toBe("server-to-client");
    expect(modified[0].frames).toEqual([
      { capture: 1, frame: 2 },
      { capture: 0, frame: 2 },
    ]);
    const fields = Object.fromEntries((modified[0].fields ?? []).map((f) => [f.field, [f.a, f.b]]));
    expect(fields["ip.len"]).toEqual(["44", "46"]);
    expect(fields["tcp.len"]).toEqual(["0", "2"]);
    expect(fields["tcp.checksum"]?.[1]).toContain("recomputed");
    expect(codes(r)).toContain("modified-in-flight");
  });
});

describe("S4: the reply leaves from another address than the request went to", () => {
  it("pairs the reply with its request, marks it lost server-to-client and says why", async () => {
    const pair = new CapturePairBuilder({ offset: 0.3, delay: 0.004 });
    const s = pair.session(
      { client: "10.1.0.20:50000", server: "10.2.0.47:1434" },
      { client: "10.1.0.20:50000", server: "10.2.0.47:1434" },
    );
    for (const t of [0, 1, 2]) {
      s.c2s(t, { udp: { payload: Uint8Array.of(2, t) } });
      s.s2c(t + 0.005, { udp: { payload: payloadBytes(60, t) } }, { lost: true, atSender: { src: "10.2.0.49" } });
    }
    // Later traffic keeps capture A running past the replies.
    const later = pair.session({ client: "10.1.0.20:50001", server: "10.2.0.47:53" }, { client: "10.1.0.20:50001", server: "10.2.0.47:53" });
    later.c2s(5, { udp: { payload: payloadBytes(30, 9) } });
    later.s2c(5.01, { udp: { payload: payloadBytes(50, 9) } });
    const [a, b] = await pairTables(pair);
    const r = diffCaptures(a, b);

    const session = r.sessions.find((x) => x.sides[0].server === "10.2.0.47:1434");
    expect(session?.sides).toHaveLength(2);
    expect(session?.sides[1].extraFlows).toHaveLength(1);
    expect(session?.notes.join(" ")).toMatch(/replies came from 10\.2\.0\.49 while the requests went to 10\.2\.0\.47/);
    const lost = eventsOf(r, "lost").filter((e) => e.session === session?.id);
    expect(lost.map((e) => [e.direction, e.frames[0].capture])).toEqual([
      ["server-to-client", 1],
      ["server-to-client", 1],
      ["server-to-client", 1],
    ]);
    expect(codes(r)).toContain("reply-from-other-address");
  });
});

describe("S5: segmentation offload on the sender, receive offload on the receiver", () => {
  it("matches a TSO super-segment to its pieces and pieces to a GRO merge, with no loss or rewrite", async () => {
    const pair = new CapturePairBuilder({ offset: 0.02, delay: 0.003 });
    const ends = { client: "10.0.0.1:41000", server: "10.0.0.2:445" };
    const s = pair.session(ends, ends);
    s.c2s(0, { tcp: { seq: 1, flags: SYN, mss: 1460 } });
    s.s2c(0.004, { tcp: { seq: 7, ack: 2, flags: SYN | ACK, mss: 1460 } });
    s.c2s(0.008, { tcp: { seq: 2, ack: 8, flags: ACK } });
    const data = payloadBytes(2580, 5);
    const frame = (src: string, dst: string, sp: number, dp: number, seq: number, ack: number, payload: Uint8Array, ttl: number, lengthZero = false) =>
      ethernetFrame(ipPacket({ src, dst, ttl, id: seq & 0xffff, lengthZero }, { tcp: { srcPort: sp, dstPort: dp, seq, ack, flags: PSH | ACK, payload } }));
    // Client sends one 2580-byte super-segment (IP length 0); B sees two 1290-byte segments.
    pair.only(0, 0.01, frame("10.0.0.1", "10.0.0.2", 41000, 445, 2, 8, data, 64, true));
    pair.only(1, 0.013, frame("10.0.0.1", "10.0.0.2", 41000, 445, 2, 8, data.subarray(0, 1290), 63));
    pair.only(1, 0.0131, frame("10.0.0.1", "10.0.0.2", 41000, 445, 1292, 8, data.subarray(1290), 63));
    // Server sends two segments; A's receive offload merges them into one.
    const reply = payloadBytes(2000, 6);
    pair.only(1, 0.02, frame("10.0.0.2", "10.0.0.1", 445, 41000, 8, 2582, reply.subarray(0, 1000), 64));
    pair.only(1, 0.0201, frame("10.0.0.2", "10.0.0.1", 445, 41000, 1008, 2582, reply.subarray(1000), 64));
    pair.only(0, 0.0235, frame("10.0.0.2", "10.0.0.1", 445, 41000, 8, 2582, reply, 63));
    s.c2s(0.03, { tcp: { seq: 2582, ack: 2008, flags: ACK } });
    const [a, b] = await pairTables(pair);
    const r = diffCaptures(a, b);

    expect(r.events).toEqual([]);
    expect(r.sessions[0].rewrites.filter((w) => w.field !== "ttl")).toEqual([]);
    const segmentedRows: [number, number][] = [];
    for (let k = 0; k < r.rows.count; k++) if (r.rows.flags[k] & RowFlag.SEGMENTED) segmentedRows.push([r.rows.frameA[k], r.rows.frameB[k]]);
    expect(segmentedRows.sort((x, y) => x[0] - y[0] || x[1] - y[1])).toEqual([
      [4, 4],
      [4, 5],
      [5, 6],
      [5, 7],
    ]);
    expect(codes(r)).toContain("segmentation-offload");
  });
});

describe("S6: bad checksums on everything a host sends", () => {
  it("treats bad-at-sender as offload and flags good-at-sender, bad-at-receiver as corruption", async () => {
    const pair = new CapturePairBuilder({ offset: 1, delay: 0.002 });
    const ends = { client: "10.0.0.1:42000", server: "10.0.0.2:80" };
    const s = pair.session(ends, ends);
    const offload = { atSender: { badChecksum: true } };
    s.c2s(0, { tcp: { seq: 1, flags: SYN } }, offload);
    s.s2c(0.003, { tcp: { seq: 50, ack: 2, flags: SYN | ACK } });
    s.c2s(0.006, { tcp: { seq: 2, ack: 51, flags: ACK } }, offload);
    s.c2s(0.007, { tcp: { seq: 2, ack: 51, flags: PSH | ACK, payload: payloadBytes(100, 1) } }, offload);
    s.s2c(0.01, { tcp: { seq: 51, ack: 102, flags: PSH | ACK, payload: payloadBytes(200, 2) } }, { atReceiver: { badChecksum: true } });
    const [a, b] = await pairTables(pair);
    const r = diffCaptures(a, b);

    let offloaded = 0;
    for (let k = 0; k < r.rows.count; k++) if (r.rows.flags[k] & RowFlag.CHECKSUM_OFFLOAD) offloaded++;
    expect(offloaded).toBe(3);
    const modified = eventsOf(r, "modified");
    expect(modified).toHaveLength(1);
    expect(modified[0].direction).toBe("server-to-client");
    expect(modified[0].fields).toEqual([{ field: "tcp.checksum", a: "good", b: "bad" }]);
    expect(codes(r)).toContain("checksum-offload");
  });
});

describe("S8: delivered to the host, never answered", () => {
  it("reports delivered-never-answered, not loss", async () => {
    const pair = new CapturePairBuilder({ offset: 0, delay: 0.001 });
    const ends = { client: "10.0.0.9:5353", server: "10.0.0.10:161" };
    const s = pair.session(ends, ends);
    for (let k = 0; k < 4; k++) s.c2s(k, { udp: { payload: payloadBytes(40, k) } });
    const [a, b] = await pairTables(pair);
    const r = diffCaptures(a, b);

    expect(r.sessions[0].counts.matched).toBe(4);
    expect(eventsOf(r, "lost")).toHaveLength(0);
    expect(codes(r)).toContain("delivered-never-answered");
    expect(codes(r)).not.toContain("loss-between-points");
  });
});

describe("S11: PAT puts many clients behind one address", () => {
  it("pairs every client session with its port on the shared address and shows the mapping", async () => {
    const pair = new CapturePairBuilder({ offset: 12.5, delay: 0.02 });
    const expected: [string, string][] = [];
    for (let k = 0; k < 6; k++) {
      const client = `10.0.${k}.${10 + k}:40000`;
      const mapped = `198.51.100.1:${61000 + k}`;
      expected.push([client, mapped]);
      const s = pair.session({ client, server: "203.0.113.10:80" }, { client: mapped, server: "203.0.113.10:80" });
      const t = k * 0.01;
      // The same request from every client: identity comes from IP ID and the handshake, not the payload.
      s.c2s(t, { tcp: { seq: 1, flags: SYN, mss: 1460 } });
      s.s2c(t + 0.021, { tcp: { seq: 100 * k, ack: 2, flags: SYN | ACK, mss: 1460 } });
      s.c2s(t + 0.042, { tcp: { seq: 2, ack: 100 * k + 1, flags: ACK } });
      s.c2s(t + 0.043, { tcp: { seq: 2, ack: 100 * k + 1, flags: PSH | ACK, payload: new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n") } });
    }
    const [a, b] = await pairTables(pair);
    const r = diffCaptures(a, b);

    const mapping = r.sessions.filter((x) => x.sides.length === 2).map((x) => [x.sides[0].client, x.sides[1].client]);
    expect(mapping.sort()).toEqual(expected.sort());
    const pat = r.findings.find((f) => f.code === "address-translation");
    expect(pat?.title).toContain("6 client addresses");
    expect(pat?.text).toContain("10.0.3.13:40000 → 198.51.100.1:61003");
    expect(r.events).toEqual([]);
  });

  it("writes out the first 20 mappings behind a shared address and counts the rest", async () => {
    const pair = new CapturePairBuilder({ offset: 1, delay: 0.02 });
    for (let k = 0; k < 30; k++) {
      const s = pair.session({ client: `10.0.0.${10 + k}:40000`, server: "203.0.113.10:53" }, { client: `198.51.100.1:${61000 + k}`, server: "203.0.113.10:53" });
      s.c2s(k * 0.01, { udp: { payload: payloadBytes(30, k) } });
      s.s2c(k * 0.01 + 0.04, { udp: { payload: payloadBytes(60, 100 + k) } });
    }
    const [a, b] = await pairTables(pair);
    const pat = diffCaptures(a, b).findings.find((f) => f.code === "address-translation")!;
    expect(pat.title).toBe("30 sessions from 30 client addresses share the server-side address 198.51.100.1");
    expect(pat.sessions).toHaveLength(30);
    const mappings = pat.text.match(/\d+\.\d+\.\d+\.\d+:\d+ → 198\.51\.100\.1:\d+/g) ?? [];
    expect(mappings).toHaveLength(20);
    expect(pat.text).toMatch(/; and 10 more \(each session shows its own\)\.$/);
  });
});

describe("S12: IPv6 client, IPv4 server (NAT64)", () => {
  it("pairs across the families and shows the family translation", async () => {
    const pair = new CapturePairBuilder({ offset: -0.25, delay: 0.015 });
    const s = pair.session(
      { client: "[2001:db8::10]:40000", server: "[64:ff9b::c000:221]:443" },
      { client: "192.168.0.10:62000", server: "192.0.2.33:443" },
    );
    s.c2s(0, { tcp: { seq: 10, flags: SYN, mss: 1440, timestamps: [1000, 0] } });
    s.s2c(0.016, { tcp: { seq: 90, ack: 11, flags: SYN | ACK, mss: 1460, timestamps: [77, 1000] } });
    s.c2s(0.032, { tcp: { seq: 11, ack: 91, flags: ACK, timestamps: [1001, 77] } });
    s.c2s(0.033, { tcp: { seq: 11, ack: 91, flags: PSH | ACK, payload: payloadBytes(517, 3), timestamps: [1002, 77] } });
    s.s2c(0.05, { tcp: { seq: 91, ack: 528, flags: PSH | ACK, payload: payloadBytes(1200, 4), timestamps: [78, 1002] } });
    const [a, b] = await pairTables(pair);
    const r = diffCaptures(a, b);

    const session = r.sessions[0];
    expect(session.sides.map((x) => x.client)).toEqual(["[2001:db8::10]:40000", "192.168.0.10:62000"]);
    expect(session.rewrites).toContainEqual({ field: "family", direction: "client-to-server", from: "IPv6", to: "IPv4" });
    expect(session.counts.matched).toBe(5);
    expect(r.events).toEqual([]);
    let matched = 0;
    for (let k = 0; k < r.rows.count; k++) if (r.rows.status[k] === RowStatus.MATCHED) matched++;
    expect(matched).toBe(5);
  });
});
