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

  describe("--utc-offset: the zone of NetMon 2.0-2.2 files, whose times are local with no zone", () => {
    /** First and last time of a tshark frames file (fixtures/windows/regenerate-expected.sh) as ISO 8601 with 6 digits. */
    function span(framesFile: string): [string, string] {
      const times = readFileSync(join(repo, "fixtures/expected/windows", framesFile), "utf8")
        .trim()
        .split("\n")
        .map((line) => line.split(" ")[1])
        .sort((a, b) => (BigInt(a.replace(".", "")) < BigInt(b.replace(".", "")) ? -1 : 1));
      return [iso(times[0], 6), iso(times[times.length - 1], 6)];
    }
    const netmon = (name: string) => join(repo, "fixtures/windows", name);

    it("reads the times in the given zone, as tshark does with TZ set to it", () => {
      const [first, last] = span("netmon-2.1-media.cap.utc+0530.frames.txt");
      const run = parallax("info", "--json", "--utc-offset", "+05:30", netmon("netmon-2.1-media.cap"));
      expect(run.code).toBe(0);
      const info = JSON.parse(run.stdout);
      expect([info.firstTime, info.lastTime]).toEqual([first, last]);
      expect(info.notes).toContain("times are local time of the capturing machine; read with the given zone UTC+05:30");

      // West of UTC, written with '=', across midnight and the year boundary.
      const [first2, last2] = span("netmon-2.2-process.cap.utc-0800.frames.txt");
      const west = JSON.parse(parallax("info", "--json", "--utc-offset=-08:00", netmon("netmon-2.2-process.cap")).stdout);
      expect([west.firstTime, west.lastTime]).toEqual([first2, last2]);
    });

    it("without it, reads the times as UTC and says so; files with UTC times ignore it", () => {
      const [first, last] = span("netmon-2.1-media.cap.frames.txt");
      const run = parallax("info", netmon("netmon-2.1-media.cap"));
      expect(run.stdout).toContain(`First:       ${first}`);
      expect(run.stdout).toContain(`Last:        ${last}`);
      expect(run.stdout).toMatch(/Note: +times are the capturing machine's local time with no zone recorded; shown as if UTC/);
      const utc = parallax("info", "--json", netmon("netmon-2.3-utc.cap"));
      const shifted = parallax("info", "--json", "--utc-offset", "-03:00", netmon("netmon-2.3-utc.cap"), fixture("le-nsec.pcap"));
      expect(shifted.stdout.split("\n")[0]).toBe(utc.stdout.split("\n")[0]);
      expect(JSON.parse(shifted.stdout.split("\n")[1]).firstTime).toBe(iso(expected("le-nsec.pcap").get("first")!, 9));
    });

    it("refuses a value that is not an offset, and a missing value", () => {
      for (const args of [["--utc-offset", "5:30"], ["--utc-offset=+25:00"], ["--utc-offset"]]) {
        const run = parallax("info", netmon("netmon-2.1-media.cap"), ...args);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/^parallax info: --utc-offset needs ±HH:MM/);
        expect(run.stdout).toBe("");
      }
    });
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
