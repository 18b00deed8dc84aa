// `parallax diff` run as a command on crafted capture pairs and chains: summary, the JSON document
// (validated against docs/diff-schema.json with ajv), user clock, local-time zones, argument errors.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { afterAll, describe, expect, it } from "vitest";
import { TcpFlag } from "../core/model/packet-table";
import { CapturePairBuilder, payloadBytes } from "../core/testing/craft";
import { pairFiles, pairTables } from "../core/match/pair-fixture";
import { diffCaptures } from "../core/match/diff";
import { diffToJson } from "../core/match/diff-json";
import { FOUR_POINTS, fourPointChain } from "../core/match/chain-fixture";
import { haveSharedCaptures, sharedCaptures } from "../testing/shared-captures";

const repo = join(__dirname, "../..");
const schema = JSON.parse(readFileSync(join(repo, "docs/diff-schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true }).compile(schema);

/** Every file the tests write goes under one directory, removed at the end. */
const scratch = mkdtempSync(join(tmpdir(), "parallax-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
function scratchDir(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function parallax(...args: string[]) {
  const run = spawnSync(process.execPath, [join(repo, "bin/parallax.mjs"), ...args], { encoding: "utf8", cwd: repo });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A NATed TCP session (one data segment lost client-to-server) and a UDP exchange over IPv6. */
function craftedPair(): CapturePairBuilder {
  const pair = new CapturePairBuilder({ offset: 2.5, delay: 0.03 });
  const s = pair.session({ client: "192.168.1.66:46739", server: "10.1.1.7:8080" }, { client: "172.16.5.14:63584", server: "172.16.5.148:8080" });
  const { SYN, ACK, PSH } = TcpFlag;
  s.c2s(0, { tcp: { seq: 1, flags: SYN, mss: 1460, timestamps: [100, 0] } }, { atReceiver: { mss: 1380 } });
  s.s2c(0.031, { tcp: { seq: 500, ack: 2, flags: SYN | ACK, mss: 1460, timestamps: [900, 100] } });
  s.c2s(0.062, { tcp: { seq: 2, ack: 501, flags: ACK, timestamps: [101, 900] } });
  s.c2s(0.063, { tcp: { seq: 2, ack: 501, flags: PSH | ACK, payload: payloadBytes(200, 1), timestamps: [102, 900] } }, { lost: true });
  s.c2s(0.064, { tcp: { seq: 202, ack: 501, flags: PSH | ACK, payload: payloadBytes(100, 2), timestamps: [102, 900] } });
  s.s2c(0.1, { tcp: { seq: 501, ack: 2, flags: ACK, timestamps: [901, 102] } });
  s.c2s(0.3, { tcp: { seq: 2, ack: 501, flags: PSH | ACK, payload: payloadBytes(200, 1), timestamps: [110, 901] } });
  s.s2c(0.34, { tcp: { seq: 501, ack: 302, flags: ACK, timestamps: [905, 110] } });
  const dns = pair.session({ client: "[2001:db8::5]:53000", server: "[2001:db8::53]:53" }, { client: "[2001:db8::5]:53000", server: "[2001:db8::53]:53" });
  dns.c2s(0.5, { udp: { payload: payloadBytes(40, 7) } });
  dns.s2c(0.52, { udp: { payload: payloadBytes(90, 8) } });
  return pair;
}

function writePair(): [string, string] {
  const dir = scratchDir("pair");
  const [a, b] = pairFiles(craftedPair());
  writeFileSync(join(dir, "client.pcap"), a);
  writeFileSync(join(dir, "server.pcap"), b);
  return [join(dir, "client.pcap"), join(dir, "server.pcap")];
}

describe("parallax diff", () => {
  const [fileA, fileB] = writePair();

  it("prints a summary and writes a JSON document that matches the schema", () => {
    const out = join(scratchDir("json"), "out.json");
    const run = parallax("diff", fileA, fileB, "--json", out, "--packets");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Sessions: 2 (2 paired, 0 on one side only)");
    expect(run.stdout).toContain("1 packet lost client → server");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.captures.map((c: { file: string; packets: number }) => [c.file, c.packets])).toEqual([
      [fileA, 10],
      [fileB, 9],
    ]);
    expect(doc.clock.source).toBe("estimated");
    expect(doc.clock.offsetSeconds).toBeCloseTo(2.5, 6);
    const tcp = doc.sessions.find((s: { protocol: string }) => s.protocol === "tcp");
    expect(tcp.sides).toEqual([
      { capture: 0, client: "192.168.1.66:46739", server: "10.1.1.7:8080", packets: 8 },
      { capture: 1, client: "172.16.5.14:63584", server: "172.16.5.148:8080", packets: 7 },
    ]);
    const udp = doc.sessions.find((s: { protocol: string }) => s.protocol === "udp");
    expect(udp.sides[0].client).toBe("[2001:db8::5]:53000");
    expect(doc.events).toEqual([{ kind: "lost", session: tcp.id, direction: "client-to-server", frames: [{ capture: 0, frame: 4 }] }]);
    expect(doc.pairs).toHaveLength(9);
    const first = doc.pairs.find((p: { frames: number[] }) => p.frames[0] === 1);
    expect(first).toMatchObject({ session: tcp.id, direction: "client-to-server", frames: [1, 1] });
    expect(first.owdMs).toBeCloseTo(30, 3);
  });

  it("writes the document to stdout with --json - and takes a given clock", () => {
    const run = parallax("diff", fileA, fileB, "--json", "-", "--offset", "2.4", "--skew", "10");
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(validate(doc)).toBe(true);
    expect(doc.pairs).toBeUndefined();
    expect(doc.clock).toMatchObject({ offsetSeconds: 2.4, skewPpm: 10, source: "given" });
    expect(run.stderr).toContain("Clock: B = A + 2.400000 s");
  });

  it("refuses bad arguments with exit status 2", () => {
    expect(parallax("diff", fileA).code).toBe(2);
    expect(parallax("diff", fileA, fileB, "--offset", "soon").code).toBe(2);
    expect(parallax("diff", fileA, fileB, "--skew", "3").code).toBe(2);
    expect(parallax("diff", fileA, fileB, "--frobnicate").stderr).toContain("unknown option --frobnicate");
  });

  it("fails with status 1 when a file is not a capture", () => {
    const text = join(scratchDir("text"), "notes.txt");
    writeFileSync(text, "hello\n");
    const run = parallax("diff", text, fileB);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("not a capture file");
  });
});

describe("the JSON document of real pairs matches the schema", () => {
  it("crafted pair, in-process", async () => {
    const [a, b] = await pairTables(craftedPair());
    expect(validate(diffToJson(diffCaptures(a, b), true))).toBe(true);
  });

  it.skipIf(!haveSharedCaptures)("lab lossy-wan through the command", () => {
    const out = join(scratchDir("json"), "lab.json");
    const lab = join(sharedCaptures, "lab/lossy-wan");
    const run = parallax("diff", join(lab, "client.pcap"), join(lab, "server.pcap"), "--json", out, "--packets");
    expect(run.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(doc.pairs.length).toBeGreaterThan(2500);
  });
});

function writeChain() {
  const dir = scratchDir("chain");
  const built = fourPointChain();
  const files = built.chain.files().map((bytes, k) => {
    const path = join(dir, `${FOUR_POINTS[k]}.pcap`);
    writeFileSync(path, bytes);
    return path;
  });
  return { files, ...built };
}

describe("parallax diff with more than two captures (S13)", () => {
  const { files, chain, changed, dropped, sent } = writeChain();

  it("prints each hop and the chain findings, and writes the chain document", () => {
    const out = join(scratchDir("json"), "chain.json");
    const run = parallax("diff", ...files, "--json", out, "--packets");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Hop 1: capture 1 (client) -> capture 2 (fw-inside)");
    expect(run.stdout).toContain("Hop 3: capture 3 (fw-outside) -> capture 4 (server)");
    expect(run.stdout).toContain("[problem] 1 packet lost between capture 3 (fw-outside) and capture 4 (server), client → server");
    expect(run.stdout).toContain("[warning] 1 packet modified between capture 2 (fw-inside) and capture 3 (fw-outside), client → server");

    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(doc.captures.map((c: { file: string }) => c.file)).toEqual(files);
    expect(doc.hops.map((h: { from: number; to: number; captures: { file: string }[] }) => [h.from, h.to, h.captures.map((c) => c.file)])).toEqual([
      [0, 1, [files[0], files[1]]],
      [1, 2, [files[1], files[2]]],
      [2, 3, [files[2], files[3]]],
    ]);
    // Each hop is a two-capture document: its capture indexes are 0 and 1 within the hop.
    expect(doc.hops[2].events).toEqual([{ kind: "lost", session: 0, direction: "client-to-server", frames: [{ capture: 0, frame: chain.frameNumber(dropped, 2) }] }]);
    expect(doc.chain.labels).toEqual(FOUR_POINTS);
    expect(doc.chain.summary).toEqual({ packets: sent.length, delivered: sent.length - 1, lost: 1, ended: 0, outsideWindow: 0, modified: 1 });
    expect(doc.chain.events.map((e: { kind: string; hop: number; origin: unknown }) => [e.kind, e.hop, e.origin])).toEqual([
      ["modified", 1, { capture: 0, frame: chain.frameNumber(changed, 0) }],
      ["lost", 2, { capture: 0, frame: chain.frameNumber(dropped, 0) }],
    ]);
    const trace = doc.chain.traces.find((t: { origin: number; frames: number[] }) => t.origin === 0 && t.frames[0] === chain.frameNumber(dropped, 0));
    expect(trace).toEqual({
      direction: "client-to-server",
      origin: 0,
      frames: [...[0, 1, 2].map((k) => chain.frameNumber(dropped, k)), null],
      lastPoint: 2,
      fate: "lost",
      endHop: 2,
    });
  });

  it("keeps the two-capture document for two files", () => {
    const run = parallax("diff", files[0], files[1], "--json", "-");
    const doc = JSON.parse(run.stdout);
    expect(validate(doc)).toBe(true);
    expect(Object.keys(doc)).toEqual(["version", "captures", "clock", "reversed", "sessions", "events", "findings"]);
  });

  it("refuses a clock given for a chain: --offset and --skew are for two files", () => {
    for (const extra of [["--offset", "1"], ["--offset", "1", "--skew", "3"], ["--skew", "3"]]) {
      const run = parallax("diff", ...files.slice(0, 3), ...extra);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("--offset and --skew apply to a diff of two files only");
    }
  });

  it.skipIf(!haveSharedCaptures)("writes a valid chain document for the real three-point mail relay", () => {
    const dir = join(sharedCaptures, "pairs/ppa3-mail-multipoint");
    const names = ["mail_sender_client_1.pcapng", "mail_sender_server_2.pcapng", "mail_receiver_server_3.pcapng"];
    const run = parallax("diff", ...names.map((n) => join(dir, n)), "--json", "-", "--packets");
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(doc.captures.map((c: { packets: number }) => c.packets)).toEqual([23, 38, 54]);
    expect(doc.hops[0].sessions[0].counts).toMatchObject({ matched: 23, lost: 0, injected: 0 });
  });
});

/** The earliest frame time in a tshark_frames.py listing (second column). */
function firstTimeIn(listing: string): number {
  const lines = readFileSync(join(repo, "fixtures/expected/windows", listing), "utf8").trim().split("\n");
  return Math.min(...lines.map((line) => Number(line.split(" ")[1])));
}

describe("parallax diff --utc-offset reads NetMon 2.1/2.2 local times in the given zone", () => {
  const media = join(repo, "fixtures/windows/netmon-2.1-media.cap");
  const process22 = join(repo, "fixtures/windows/netmon-2.2-process.cap");

  it.each([
    [media, "+05:30", "netmon-2.1-media.cap.utc+0530.frames.txt"],
    [process22, "-08:00", "netmon-2.2-process.cap.utc-0800.frames.txt"],
  ])("%s in UTC%s gives tshark's times in that zone", (file, zone, listing) => {
    const run = parallax("diff", file, file, "--utc-offset", zone, "--json", "-");
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.captures[0].firstTime).toBeCloseTo(firstTimeIn(listing), 6);
    expect(doc.captures[1].firstTime).toBeCloseTo(firstTimeIn(listing), 6);
  });

  it("reads them as UTC without it, and refuses an offset it cannot read", () => {
    const doc = JSON.parse(parallax("diff", media, media, "--json", "-").stdout);
    expect(doc.captures[0].firstTime).toBeCloseTo(firstTimeIn("netmon-2.1-media.cap.frames.txt"), 6);
    const bad = parallax("diff", media, media, "--utc-offset", "half past");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--utc-offset needs ±HH:MM');
  });
});
