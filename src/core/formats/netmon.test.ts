import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collect, parseExpectedFrames, type Collected } from "../../../fixtures/windows/collect";
import { buildNetmon } from "../../../fixtures/windows/netmon-builder";
import { buildNetmonFixture, netmonFixtures } from "../../../fixtures/windows/netmon-fixtures";
import { haveSharedCaptures, sharedCapture } from "../../testing/shared-captures";
import { PacketTableBuilder } from "../model/packet-table-builder";
import { L3 } from "../model/packet-table";
import { openCapture } from "./index";
import { memorySource } from "./memory-source";
import { LINKTYPE_NETMON_NO_PACKET, netmonLinkType, netmonReader } from "./netmon";

const root = join(__dirname, "../../..");
const expectedFrames = (name: string) => parseExpectedFrames(readFileSync(join(root, "fixtures/expected/windows", `${name}.frames.txt`), "utf8"));
const fixture = (name: string) => new Uint8Array(readFileSync(join(root, "fixtures/windows", name)));

/** Every packet equals tshark's frame: count, time to the ns, lengths, bytes (hash). */
function expectSameAsTshark(got: Collected, name: string) {
  const want = expectedFrames(name);
  expect(got.packets.length).toBe(want.length);
  got.packets.forEach((p, i) => {
    const w = want[i];
    expect({ frame: i + 1, time: p.time, len: p.originalLength, cap: p.capturedLength, sha: p.sha }).toEqual({
      frame: w.number,
      time: w.time,
      len: w.len - w.strip,
      cap: w.capLen - w.strip,
      sha: w.sha,
    });
  });
}

describe("netmon sniff", () => {
  it("recognises GMBU and nothing else", () => {
    expect(netmonReader.sniff(fixture("netmon-2.1-media.cap").subarray(0, 64))).toBe(true);
    expect(netmonReader.sniff(Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1))).toBe(false);
    expect(netmonReader.sniff(new TextEncoder().encode("RTSS"))).toBe(false);
  });

  it("maps media types to link types", () => {
    expect([0, 1, 2, 3, 6, 7, 8, 9].map(netmonLinkType)).toEqual([1, 1, 6, 10, 105, 101, 101, 101]);
    expect(netmonLinkType(0xe000 | 113)).toBe(113);
    expect(netmonLinkType(0xe080)).toBe(105);
    expect(netmonLinkType(0xe083)).toBeUndefined();
    expect(netmonLinkType(4)).toBeUndefined();
  });
});

describe.skipIf(!haveSharedCaptures)("netmon real captures (../shared)", () => {
  for (const name of ["MicrosoftNTP.cap", "Manolito2.cap"]) {
    it(`${name} reads as tshark reads it`, async () => {
      const got = await collect(netmonReader, sharedCapture(`windows/${name}`), {}, name);
      expect(got.errors).toEqual([]);
      expect(got.interfaces).toHaveLength(1);
      expect(got.interfaces[0]).toMatchObject({ linkType: 1, tsResolution: "us" });
      expect(got.notes[0]).toBe("NetMon 2.0");
      expect(got.notes[1]).toMatch(/local time with no zone/);
      expectSameAsTshark(got, name);
    });
  }

  it("keeps every frame before a cut and reports the cut (Manolito2 cut inside frame 1000)", async () => {
    const whole = sharedCapture("windows/Manolito2.cap");
    const want = expectedFrames("Manolito2.cap");
    // Frames are contiguous from offset 128 in this file: frame 1000 starts after 999 records.
    const frame1000 = 128 + want.slice(0, 999).reduce((n, f) => n + 16 + f.capLen, 0);
    const got = await collect(netmonReader, whole.subarray(0, frame1000 + 30), {}, "cut.cap");
    expect(got.packets.map((p) => p.sha)).toEqual(want.slice(0, 999).map((f) => f.sha));
    expect(got.errors).toHaveLength(1);
    expect(got.errors[0]).toMatchObject({ fatal: true, frame: 1000, offset: frame1000 });
    expect(got.notes).toContain("frame table missing (file cut short?): frames read in file order");
  });
});

describe("netmon generated files (versions 2.1-2.3, media types)", () => {
  it("the committed fixtures are what the generator writes", () => {
    for (const name of Object.keys(netmonFixtures)) expect(buildNetmonFixture(name)).toEqual(fixture(name));
  });

  it("2.1: per-frame media, frames out of file order, special records numbered as Wireshark numbers them", async () => {
    const got = await collect(netmonReader, fixture("netmon-2.1-media.cap"));
    expect(got.errors).toEqual([]);
    // tshark's frames 1-9: filter, ETW event, extended network info and the WFP record are frames;
    // the network info and DNS cache records are not.
    expectSameAsTshark(got, "netmon-2.1-media.cap");
    expect(got.interfaces.map((i) => [i.linkType, i.name])).toEqual([
      [LINKTYPE_NETMON_NO_PACKET, "NetMon capture filter records (no packet)"],
      [1, "NetMon media type 0x1"],
      [101, "NetMon media type 0x7"],
      [LINKTYPE_NETMON_NO_PACKET, "NetMon ETW event records (no packet)"],
      [LINKTYPE_NETMON_NO_PACKET, "NetMon extended network info records (no packet)"],
      [LINKTYPE_NETMON_NO_PACKET, "NetMon media type 0xe083 records (no packet)"],
    ]);
    expect(got.packets.map((p) => p.interfaceId)).toEqual([0, 1, 2, 3, 1, 2, 4, 1, 5]);
    expect(got.packets.map((p) => p.meta?.notes?.[0] ?? "")).toEqual([
      "NetMon record without a decodable packet: capture filter",
      "",
      "",
      "NetMon record without a decodable packet: ETW event",
      "",
      "",
      "NetMon record without a decodable packet: extended network info",
      "",
      "NetMon record without a decodable packet: media type 0xe083, not decoded",
    ]);
    expect(got.notes).toContain("skipped records without packets: 1 network info, 1 DNS cache");
    expect(got.notes).toContain(
      "frames without a decodable packet, kept so frame numbers match Wireshark's: 1 capture filter, 1 ETW event, 1 extended network info, 1 undecodable frame",
    );
    expect(got.notes.some((n) => /shown as if UTC/.test(n))).toBe(true);
  });

  it("2.1: records without a packet decode as rows with no IP layer, the packets around them as usual", async () => {
    const builder = new PacketTableBuilder();
    const summary = await openCapture(memorySource(fixture("netmon-2.1-media.cap"), "netmon-2.1-media.cap"), builder);
    const table = builder.finish(summary);
    expect(summary.errors).toEqual([]);
    expect(table.count).toBe(expectedFrames("netmon-2.1-media.cap").length);
    expect([...table.columns.l3]).toEqual([L3.NONE, L3.IPV4, L3.IPV4, L3.NONE, L3.IPV4, L3.IPV6, L3.NONE, L3.IPV4, L3.NONE]);
  });

  it("an 802.11 frame whose NetMon metadata header is unreadable stays a frame, undecoded", async () => {
    const start = { year: 2020, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0 };
    const bytes = buildNetmon({
      minor: 1,
      media: 1,
      start,
      frames: [
        { deltaUs: 1n, media: 6, data: new Uint8Array(40).fill(9) },
        { deltaUs: 2n, media: 4, data: new Uint8Array(20).fill(4) },
        { deltaUs: 3n, media: 1, data: new Uint8Array(60) },
      ],
    });
    const got = await collect(netmonReader, bytes);
    expect(got.packets.map((p) => [p.capturedLength, got.interfaces[p.interfaceId].linkType])).toEqual([
      [40, LINKTYPE_NETMON_NO_PACKET],
      [20, LINKTYPE_NETMON_NO_PACKET],
      [60, 1],
    ]);
    expect(got.errors).toEqual([expect.objectContaining({ fatal: false, frame: 1, message: expect.stringMatching(/unreadable NetMon 802.11 metadata header/) })]);
  });

  it("2.1: a zone offset given by the user moves local times to UTC", async () => {
    const got = await collect(netmonReader, fixture("netmon-2.1-media.cap"), { localTimeOffsetMinutes: 90 });
    const want = expectedFrames("netmon-2.1-media.cap");
    expect(got.packets.map((p) => p.time)).toEqual(want.map((f) => `${Number(f.time.split(".")[0]) - 5400}.${f.time.split(".")[1]}`));
    expect(got.notes).toContain("times are local time of the capturing machine; read with the given zone UTC+01:30");
  });

  it("2.2: negative deltas, process names from the process table, frame comments as tshark reads them", async () => {
    const got = await collect(netmonReader, fixture("netmon-2.2-process.cap"));
    expect(got.errors).toEqual([]);
    expectSameAsTshark(got, "netmon-2.2-process.cap");
    const tsharkComments = readFileSync(join(root, "fixtures/expected/windows/netmon-2.2-process.cap.comments.txt"), "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split("\t"));
    expect(got.packets.flatMap((p, i) => (p.meta?.comments ? [[String(i + 1), ...p.meta.comments]] : []))).toEqual(
      tsharkComments.map(([frame, title, description]) => [frame, `${title}: ${description}`]),
    );
    expect(got.packets.map((p) => p.meta?.notes)).toEqual([
      ["process C:\\Program Files\\Tool\\tool.exe (pid 4321)"],
      ["process C:\\Windows\\System32\\svchost.exe (pid 1234)"],
      undefined,
    ]);
  });

  it("2.3: UTC FILETIME to 100 ns, 802.11 metadata removed, truncated frame keeps its original length", async () => {
    const got = await collect(netmonReader, fixture("netmon-2.3-utc.cap"));
    expect(got.errors).toEqual([]);
    expectSameAsTshark(got, "netmon-2.3-utc.cap");
    expect(got.notes).toEqual(["NetMon 2.3"]);
    expect(got.interfaces.map((i) => [i.linkType, i.tsResolution])).toEqual([
      [1, "100ns"],
      [105, "100ns"],
      [101, "100ns"],
    ]);
    expect(got.packets[1].meta?.notes).toEqual(["802.11 channel 6, RSSI -52 dBm, rate code 130"]);
    expect(got.packets[0].meta?.notes).toEqual(["process C:\\Windows\\System32\\dns.exe (pid 800)"]);
  });

  it("reports a frame table entry that points outside the file and reads the others", async () => {
    const bytes = fixture("netmon-2.2-process.cap").slice();
    const view = new DataView(bytes.buffer);
    const table = view.getUint32(24, true);
    view.setUint32(table + 4, bytes.length + 100, true);
    const got = await collect(netmonReader, bytes);
    expect(got.packets).toHaveLength(2);
    expect(got.errors).toEqual([expect.objectContaining({ fatal: false, frame: 2, message: expect.stringMatching(/frame table entry 2/) })]);
  });

  it("rejects a file header that is cut short or of another major version", async () => {
    const short = await collect(netmonReader, fixture("netmon-2.1-media.cap").subarray(0, 60));
    expect(short.errors).toEqual([expect.objectContaining({ fatal: true, offset: 0, frame: 1 })]);
    const v1 = fixture("netmon-2.1-media.cap").slice();
    v1[5] = 1;
    expect((await collect(netmonReader, v1)).errors[0].message).toMatch(/version 1\.1 is not supported/);
  });

  it("a zero-length frame is a zero-length packet", async () => {
    const bytes = buildNetmon({ minor: 1, media: 1, start: { year: 2020, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0 }, frames: [{ deltaUs: 5n, media: 1, data: new Uint8Array(0) }] });
    const got = await collect(netmonReader, bytes);
    expect(got.packets.map((p) => [p.time, p.capturedLength])).toEqual([["1577836800.000005000", 0]]);
  });
});

describe("netmon fuzz", () => {
  const intact = fixture("netmon-2.2-process.cap");

  it("any truncation keeps a prefix of the frames and never throws", async () => {
    const all = (await collect(netmonReader, intact)).packets.map((p) => p.sha);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: intact.length }), async (cut) => {
        const got = await collect(netmonReader, intact.subarray(0, cut));
        expect(all.slice(0, got.packets.length)).toEqual(got.packets.map((p) => p.sha));
      }),
      { numRuns: 300 },
    );
  });

  it("random byte mutations never throw or hang", async () => {
    const files = Object.keys(netmonFixtures).map(fixture);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
        async (file, edits) => {
          const bytes = file.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const got = await collect(netmonReader, bytes);
          for (const p of got.packets) expect(p.capturedLength).toBe(p.data.length);
        },
      ),
      { numRuns: 400 },
    );
  });
});
