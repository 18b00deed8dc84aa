// `parallax diff` run as a command on crafted capture pairs: summary, the JSON document
// (validated against docs/diff-schema.json with ajv), user clock, argument errors.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { TcpFlag } from "../core/model/packet-table";
import { CapturePairBuilder, payloadBytes } from "../core/testing/craft";
import { pairFiles, pairTables } from "../core/match/pair-fixture";
import { diffCaptures } from "../core/match/diff";
import { diffToJson } from "../core/match/diff-json";
import { haveSharedCaptures, sharedCaptures } from "../testing/shared-captures";

const repo = join(__dirname, "../..");
const schema = JSON.parse(readFileSync(join(repo, "docs/diff-schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true }).compile(schema);

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
  const dir = mkdtempSync(join(tmpdir(), "parallax-diff-"));
  const [a, b] = pairFiles(craftedPair());
  writeFileSync(join(dir, "client.pcap"), a);
  writeFileSync(join(dir, "server.pcap"), b);
  return [join(dir, "client.pcap"), join(dir, "server.pcap")];
}

describe("parallax diff", () => {
  const [fileA, fileB] = writePair();

  it("prints a summary and writes a JSON document that matches the schema", () => {
    const out = join(mkdtempSync(join(tmpdir(), "parallax-json-")), "out.json");
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
    const text = join(mkdtempSync(join(tmpdir(), "parallax-text-")), "notes.txt");
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
    const out = join(mkdtempSync(join(tmpdir(), "parallax-json-")), "lab.json");
    const lab = join(sharedCaptures, "lab/lossy-wan");
    const run = parallax("diff", join(lab, "client.pcap"), join(lab, "server.pcap"), "--json", out, "--packets");
    expect(run.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(doc.pairs.length).toBeGreaterThan(2500);
  });
});
