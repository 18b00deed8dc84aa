// The chain of N captures (S13) on a crafted four-point path (client, firewall inside, firewall
// outside, server) written as pcap files and read back through the real reader and decoder.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memorySource } from "../formats/memory-source";
import { readPacketTable } from "../model/packet-table-builder";
import { TcpFlag } from "../model/packet-table";
import { ethernetFrame, ipPacket, payloadBytes } from "../testing/craft";
import { CaptureChainBuilder, type ChainFrame, type ChainPacket } from "../testing/chain-craft";
import { FOUR_POINTS, chainTables, fourPointChain } from "./chain-fixture";
import { haveSharedCaptures, sharedCapture } from "../../testing/shared-captures";
import { TraceFate, diffChain, fateName, type ChainResult } from "./chain";
import { directionName } from "./types";

const { SYN, ACK, PSH } = TcpFlag;

describe("diffChain on a crafted four-point path", () => {
  it("says one packet was modified between captures 2 and 3 and one lost between captures 3 and 4 (1-based)", async () => {
    const { chain, sent, changed, dropped } = fourPointChain();
    const r = diffChain(await chainTables(chain, FOUR_POINTS));

    expect(r.labels).toEqual(FOUR_POINTS);
    expect(r.hops.map((h) => [h.from, h.to])).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(r.hops.map((h) => [h.counts.lost, h.counts.injected, h.counts.modified])).toEqual([[0, 0, 0], [0, 0, 1], [1, 0, 0]]);

    const frames = (p: ChainPacket) => [0, 1, 2, 3].map((k) => chain.frameNumber(p, k) || null);
    expect(r.events).toEqual([
      {
        kind: "modified",
        direction: "client-to-server",
        hop: 1,
        origin: { capture: 0, frame: chain.frameNumber(changed, 0) },
        frames: frames(changed),
        fields: expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(/payload/) })]),
      },
      { kind: "lost", direction: "client-to-server", hop: 2, origin: { capture: 0, frame: chain.frameNumber(dropped, 0) }, frames: [...frames(dropped).slice(0, 3), null] },
    ]);

    // Every packet is followed from its sending end: all but the dropped one reach the far end.
    const t = r.traces;
    expect(t.count).toBe(sent.length);
    for (let k = 0; k < t.count; k++) {
      const packet = sent.find((p) => chain.frameNumber(p, t.origin[k]) === t.frames[t.origin[k]][k] && p.direction === t.direction[k]);
      expect(packet, `trace ${k}`).toBeDefined();
      expect([0, 1, 2, 3].map((c) => t.frames[c][k] || null)).toEqual(frames(packet!));
      expect(fateName(t.fate[k])).toBe(packet === dropped ? "lost" : "delivered");
      expect(t.lastPoint[k]).toBe(packet === dropped ? 2 : t.direction[k] === 0 ? 3 : 0);
      expect(t.modifiedHops[k]).toBe(packet === changed ? 0b010 : 0);
    }
    expect(t.endHop[[...t.fate].indexOf(TraceFate.LOST)]).toBe(2);

    const texts = r.findings.map((f) => f.text);
    expect(texts).toContain("1 packet lost between capture 3 (fw-outside) and capture 4 (server), client → server");
    expect(texts).toContain("1 packet modified between capture 2 (fw-inside) and capture 3 (fw-outside), client → server");
    expect(texts).toContain("8 packets client → server went all the way from capture 1 (client) to capture 4 (server)");
    expect(texts).toContain("8 packets server → client went all the way from capture 4 (server) to capture 1 (client)");
    expect(r.findings.filter((f) => f.code === "chain-loss" || f.code === "chain-modified" || f.code === "chain-injected")).toHaveLength(2);
  });

  it("follows a packet injected on the first hop from where it appeared", async () => {
    const chain = new CaptureChainBuilder(3);
    const ends = { client: { addr: "10.0.0.1", port: 40000 }, server: { addr: "10.0.0.2", port: 80 } };
    const s = chain.session([ends, ends, ends]);
    s.c2s(0, { seq: 1, flags: SYN });
    s.s2c(0.01, { seq: 5, ack: 2, flags: SYN | ACK });
    s.c2s(0.02, { seq: 2, ack: 6, flags: ACK });
    const forged = s.c2s(0.03, { seq: 2, ack: 6, flags: TcpFlag.RST | ACK }, { firstPoint: 1 });
    s.s2c(0.05, { seq: 6, ack: 2, flags: PSH | ACK, payload: payloadBytes(50, 3) });
    const r = diffChain(await chainTables(chain, ["a", "b", "c"]));
    expect(r.hops.map((h) => h.counts.injected)).toEqual([1, 0]);
    const t = r.traces;
    const k = Array.from({ length: t.count }, (_, i) => i).find((i) => t.injected[i] === 1);
    expect(k).toBeDefined();
    expect([t.origin[k!], t.frames[1][k!], t.frames[2][k!], t.lastPoint[k!], fateName(t.fate[k!])]).toEqual([1, chain.frameNumber(forged, 1), chain.frameNumber(forged, 2), 2, "delivered"]);
    expect(r.findings.find((f) => f.code === "chain-injected")?.text).toBe("1 packet injected between capture 1 (a) and capture 2 (b)");
  });

  it.each([false, true])("keeps the pieces of a segmented send in one packet's journey, and follows merged pieces as the merge (second piece lost on hop 1: %s)", async (dropPiece) => {
    const chain = new CaptureChainBuilder(3, { offsets: [0, 0.2, 0.4], delay: 0.003 });
    const ends = { client: { addr: "10.0.0.1", port: 41000 }, server: { addr: "10.0.0.2", port: 445 } };
    const s = chain.session([ends, ends, ends]);
    s.c2s(0, { seq: 1, flags: SYN, mss: 1460 });
    s.s2c(0.01, { seq: 7, ack: 2, flags: SYN | ACK, mss: 1460 });
    s.c2s(0.02, { seq: 2, ack: 8, flags: ACK });
    const seg = (point: number, t: number, from: "client" | "server", seq: number, ack: number, payload: Uint8Array, lengthZero = false) => {
      const [src, dst] = from === "client" ? [ends.client, ends.server] : [ends.server, ends.client];
      // TTL drops by one per hop, as on the builder's own packets.
      const ttl = 64 - (from === "client" ? point : 2 - point);
      const ip = ipPacket({ src: src.addr, dst: dst.addr, ttl, id: seq & 0xffff, lengthZero }, { tcp: { srcPort: src.port, dstPort: dst.port, seq, ack, flags: PSH | ACK, payload } });
      return chain.only(point, t, ethernetFrame(ip));
    };
    // The client's host sends one 2000-byte super-segment (TSO): captures 1 and 2 see two pieces.
    const data = payloadBytes(2000, 5);
    const superSegment = seg(0, 0.03, "client", 2, 8, data, true);
    const pieces1 = [seg(1, 0.033, "client", 2, 8, data.subarray(0, 1000)), seg(1, 0.0331, "client", 1002, 8, data.subarray(1000))];
    const pieces2 = [seg(2, 0.036, "client", 2, 8, data.subarray(0, 1000)), ...(dropPiece ? [] : [seg(2, 0.0361, "client", 1002, 8, data.subarray(1000))])];
    // The server sends two segments; the client's host merges them (GRO) before its capture.
    const reply = payloadBytes(1600, 6);
    const sent = [seg(2, 0.05, "server", 8, 2002, reply.subarray(0, 800)), seg(2, 0.0501, "server", 808, 2002, reply.subarray(800))];
    const relayed = [seg(1, 0.053, "server", 8, 2002, reply.subarray(0, 800)), seg(1, 0.0531, "server", 808, 2002, reply.subarray(800))];
    const merged = seg(0, 0.0565, "server", 8, 2002, reply);
    s.c2s(0.07, { seq: 2002, ack: 1608, flags: ACK });
    const r = diffChain(await chainTables(chain, ["client", "middle", "server"]));

    const superFrame = chain.frameNumberOf(superSegment, 0);
    const firstPieces = [chain.frameNumberOf(pieces1[0], 1), chain.frameNumberOf(pieces2[0], 2)];
    expect(r.events).toEqual(dropPiece ? [{ kind: "lost", direction: "client-to-server", hop: 1, origin: { capture: 0, frame: superFrame }, frames: [superFrame, ...firstPieces] }] : []);
    const t = r.traces;
    const journey = (k: number) => `${t.direction[k]} ${t.origin[k]} ${[0, 1, 2].map((p) => t.frames[p][k]).join(",")} ${fateName(t.fate[k])}`;
    const all = Array.from({ length: t.count }, (_, k) => journey(k));
    const n = (frame: ChainFrame, point: number) => chain.frameNumberOf(frame, point);
    expect(all).toContain(`0 0 ${superFrame},${n(pieces1[0], 1)},${n(pieces2[0], 2)} ${dropPiece ? "lost" : "delivered"}`);
    for (const k of [0, 1]) expect(all).toContain(`1 2 ${n(merged, 0)},${n(relayed[k], 1)},${n(sent[k], 2)} delivered`);
    // No piece starts a journey of its own in the middle: SYN, ACK, super-segment, ACK; SYN-ACK and the two sent pieces.
    expect(all).toHaveLength(7);
  });

  it("lets a session end where its server is, and follows a relay that starts there (a mail relay)", async () => {
    const chain = new CaptureChainBuilder(3);
    const smtp = { client: { addr: "10.0.0.1", port: 40000 }, server: { addr: "10.0.0.2", port: 25 } };
    const relay = { client: { addr: "10.0.0.2", port: 50000 }, server: { addr: "10.0.0.3", port: 25 } };
    const first = chain.session([smtp, smtp, null]);
    const second = chain.session([null, relay, relay]);
    first.c2s(0, { seq: 1, flags: SYN });
    first.s2c(0.01, { seq: 5, ack: 2, flags: SYN | ACK });
    first.c2s(0.02, { seq: 2, ack: 6, flags: ACK });
    const relayed = second.c2s(0.03, { seq: 70, flags: SYN });
    second.s2c(0.04, { seq: 80, ack: 71, flags: SYN | ACK });
    const lost = second.c2s(0.05, { seq: 71, ack: 81, flags: PSH | ACK, payload: payloadBytes(100, 1) }, { lastPoint: 1 });
    second.c2s(0.06, { seq: 71, ack: 81, flags: PSH | ACK, payload: payloadBytes(100, 1) });
    second.s2c(0.07, { seq: 81, ack: 171, flags: ACK });
    const tables = await chainTables(chain, ["client", "mx", "store"]);
    expect(() => diffChain(tables.slice(0, 1))).toThrow(/at least two/);
    const r = diffChain(tables);

    const t = r.traces;
    const fates = Array.from({ length: t.count }, (_, k) => `${t.direction[k]} ${t.origin[k]}:${t.frames[t.origin[k]][k]} -> ${t.lastPoint[k]} ${fateName(t.fate[k])}`);
    const at = (p: ChainPacket, point: number) => chain.frameNumber(p, point);
    expect(fates.sort()).toEqual(
      [
        "0 0:1 -> 1 ended",
        "0 0:3 -> 1 ended",
        "1 1:2 -> 0 delivered",
        `0 1:${at(relayed, 1)} -> 2 delivered`,
        `0 1:${at(lost, 1)} -> 1 lost`,
        `0 1:${at(lost, 1) + 1} -> 2 delivered`,
        `1 2:${at(relayed, 2) + 1} -> 1 ended`,
        `1 2:${at(relayed, 2) + 3} -> 1 ended`,
      ].sort(),
    );
    expect(r.events).toEqual([{ kind: "lost", direction: "client-to-server", hop: 1, origin: { capture: 1, frame: at(lost, 1) }, frames: [null, at(lost, 1), null] }]);
    expect(r.findings.map((f) => f.text)).toEqual([
      "1 packet lost between capture 2 (mx) and capture 3 (store), client → server",
      "2 packets client → server went from capture 2 (mx) to capture 3 (store)",
      "2 packets client → server reached capture 2 (mx) and went no further: their sessions do not continue past it",
      "1 packet server → client went from capture 2 (mx) to capture 1 (client)",
      "2 packets server → client reached capture 2 (mx) and went no further: their sessions do not continue past it",
    ]);
  });
});

/** One line per packet journey, written like fixtures/expected/chain/make-ppa3.py writes them. */
function journeys(r: ChainResult): Map<string, string> {
  const t = r.traces;
  const out = new Map<string, string>();
  for (let k = 0; k < t.count; k++) {
    const origin = `${directionName(t.direction[k])} origin=${t.origin[k]}:${t.frames[t.origin[k]][k]}`;
    out.set(origin, `${origin} frames=${t.frames.map((f) => f[k] || "-").join(",")} last=${t.lastPoint[k]} fate=${fateName(t.fate[k])}`);
  }
  return out;
}

describe.skipIf(!haveSharedCaptures)("diffChain on the real mail relay captured at three points (ppa3-mail-multipoint)", () => {
  const files = ["mail_sender_client_1.pcapng", "mail_sender_server_2.pcapng", "mail_receiver_server_3.pcapng"];
  const expected = readFileSync(join(__dirname, "../../../fixtures/expected/chain/ppa3-mail-multipoint.journeys.txt"), "utf8").trim().split("\n");
  const chain = async () =>
    diffChain(await Promise.all(files.map((f) => readPacketTable(memorySource(sharedCapture(`pairs/ppa3-mail-multipoint/${f}`), f)))));

  const hopPairs = (lines: string[]) =>
    lines.map((l) => /^(\S+) .* frames=(\S+),(\S+),\S+ /.exec(l)!).filter((m) => m[2] !== "-" && m[3] !== "-").map((m) => `${m[1]} ${m[2]}->${m[3]}`);

  it("follows every packet the client and the first mail server both saw from one to the other", async () => {
    const got = [...journeys(await chain()).values()];
    expect(new Set(hopPairs(got))).toEqual(new Set(hopPairs(expected)));
    expect(hopPairs(expected)).toHaveLength(23);
  });

  it("follows the relay session from the first mail server, where it starts, to the second", async () => {
    const got = journeys(await chain());
    const relay = expected.filter((line) => line.includes(" frames=-,"));
    expect(relay).toHaveLength(15);
    expect(relay.map((line) => got.get(line.split(" frames=")[0]))).toEqual(relay);
  });

  // Known wrong (a matcher bug, not the chain's): on the hop from capture 2 to capture 3,
  // diffCaptures pairs the client's SMTP session (seen at captures 1 and 2 only) with an IMAP
  // session seen at capture 3 only (confidence 0.022), so 4 of its packets come out "lost", 23
  // IMAP packets "injected", and 3 SMTP packets "delivered" to capture 3. These two tests hold the
  // truth from tshark and start passing (turn them into plain `it`) once the pairing is fixed.
  it("ends the client's SMTP session at the first mail server, where its server is", async () => {
    const got = journeys(await chain());
    const origins = expected.map((line) => line.split(" frames=")[0]);
    expect(origins.map((o) => got.get(o) ?? `${o} (not followed)`)).toEqual(expected);
  });

  it("finds nothing lost, injected or modified on either hop", async () => {
    const r = await chain();
    expect(r.hops.map((h) => [h.counts.lost, h.counts.injected, h.counts.modified])).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(r.events).toEqual([]);
    expect(r.findings.filter((f) => f.severity !== "info")).toEqual([]);
  });
});
