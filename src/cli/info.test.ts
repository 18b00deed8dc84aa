// `parallax info` run as a command, checked against capinfos/tshark's view of the same files.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { haveSharedCaptures, sharedCaptures } from "../testing/shared-captures";

const repo = join(__dirname, "../..");
const fixture = (name: string) => join(repo, "fixtures/formats", name);

function parallax(...args: string[]) {
  const run = spawnSync(process.execPath, [join(repo, "bin/parallax.mjs"), ...args], { encoding: "utf8", cwd: repo });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** capinfos/tshark facts saved by fixtures/expected/make-capinfos.sh. */
function expected(name: string): Map<string, string> {
  const text = readFileSync(join(repo, "fixtures/expected/capinfos/generated", `${name}.txt`), "utf8");
  return new Map(text.split("\n").filter(Boolean).map((l) => [l.slice(0, l.indexOf("\t")), l.slice(l.indexOf("\t") + 1)]));
}

/** "1709294400.123456789" + digits -> ISO 8601 as our CLI prints it. */
function iso(epoch: string, digits: number): string {
  const [sec, frac] = epoch.split(".");
  return `${new Date(Number(sec) * 1000).toISOString().slice(0, 19)}.${frac.slice(0, digits)}Z`;
}

describe("parallax info", () => {
  it("prints one JSON object per file with capinfos' counts and tshark's times", () => {
    const run = parallax("info", "--json", fixture("le-nsec.pcap"), fixture("multi-section.pcapng.zst"));
    expect(run.code).toBe(0);
    const [nsec, zst] = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const e = expected("le-nsec.pcap");
    expect(nsec).toMatchObject({
      file: fixture("le-nsec.pcap"),
      format: "pcap-nsec",
      linkTypes: ["EN10MB"],
      packets: Number(e.get("capinfos")!.split("\t")[2]),
      bytes: Number(e.get("capinfos")!.split("\t")[3]),
      firstTime: iso(e.get("first")!, 9),
      lastTime: iso(e.get("last")!, 9),
      errors: [],
    });
    const z = expected("multi-section.pcapng.zst");
    expect(zst).toMatchObject({
      format: "pcapng",
      compression: "zstd",
      linkTypes: ["EN10MB", "IPV4"],
      packets: Number(z.get("capinfos")!.split("\t")[2]),
      // The file mixes us and ns interfaces: times carry the finest precision.
      firstTime: iso(z.get("first")!, 9),
      lastTime: iso(z.get("last")!, 9),
    });
  });

  it("prints microsecond files with 6 digits, the duration, and errors with their byte offset", () => {
    const run = parallax("info", fixture("truncated-record.pcap"));
    expect(run.code).toBe(0);
    const e = expected("truncated-record.pcap");
    expect(run.stdout).toContain(`First:       ${iso(e.get("first")!, 6)}`);
    expect(run.stdout).toContain(`Last:        ${iso(e.get("last")!, 6)}`);
    expect(run.stdout).toContain("Duration:    0.001250 s");
    expect(run.stdout).toContain("Packets:     2");
    expect(run.stdout).toMatch(/Error: +[^ ].*runs past the end of the file.*\(byte offset 176, frame 3\)/);
  });

  it("exits non-zero when a file cannot be read at all", () => {
    const missing = parallax("info", fixture("no-such-file.pcap"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no-such-file.pcap");
    const notCapture = parallax("info", "--json", join(repo, "fixtures/formats/generate.ts"));
    expect(notCapture.code).toBe(1);
    expect(JSON.parse(notCapture.stdout).errors[0].message).toMatch(/^not a capture file: first bytes 2f 2f .*\(looks like text\)/);
  });

  it.skipIf(!haveSharedCaptures)("reads a gzip pcapng from ../shared like capinfos", () => {
    const name = "formats/challenge01_ooo_stream.pcapng.gz";
    const run = parallax("info", "--json", join(sharedCaptures, name));
    const saved = readFileSync(join(repo, "fixtures/expected/capinfos/shared", `${name}.txt`), "utf8");
    const [, type, encap, packets] = /^capinfos\t(\S+)\t(\S+)\t(\d+)/m.exec(saved)!;
    expect([type, encap]).toEqual(["pcapng", "ether"]);
    expect(JSON.parse(run.stdout)).toMatchObject({ format: "pcapng", compression: "gzip", packets: Number(packets), linkTypes: ["EN10MB"] });
  });
});
