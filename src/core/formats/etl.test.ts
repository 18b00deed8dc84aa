import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collect, parseExpectedFrames, sha16 } from "../../../fixtures/windows/collect";
import { buildEtl, eventRecord, join as bytesJoin, le, lzxpressCompress, type LogFileSpec } from "../../../fixtures/windows/etl-builder";
import { etlFixtures, NDIS } from "../../../fixtures/windows/etl-fixtures";
import { haveSharedCaptures, sharedCapture } from "../../testing/shared-captures";
import { captureInfo } from "./capture-info";
import { etlReader } from "./etl";
import { SNIFF_HEAD_BYTES } from "./index";
import { lzxpressDecompress } from "./etl/lzxpress";
import { memorySource } from "./memory-source";

const root = join(__dirname, "../../..");
const expectedDir = join(root, "fixtures/expected/windows");
const fixture = (name: string) => new Uint8Array(readFileSync(join(root, "fixtures/windows", name)));

describe("lzxpress (MS-XCA plain LZ77)", () => {
  it("decodes the specification's example: 'abc' x 100", () => {
    // [MS-XCA] 3.1 example: flags 0x1fffffff, 'abc', one match of distance 3 and length 297.
    const compressed = Uint8Array.of(0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f, 0xff, 0x26, 0x01);
    expect(new TextDecoder().decode(lzxpressDecompress(compressed, 4096))).toBe("abc".repeat(100));
  });

  it("decodes literals-only input", () => {
    const compressed = Uint8Array.from([0x3f, 0, 0, 0, ...new TextEncoder().encode("abcdefghijklmnopqrstuvwxyz")]);
    expect(new TextDecoder().decode(lzxpressDecompress(compressed, 4096))).toBe("abcdefghijklmnopqrstuvwxyz");
  });

  it("round-trips the fixture compressor on random data with repeats", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constant(new Uint8Array(300).fill(7))), { maxLength: 30 }), (parts) => {
        const data = bytesJoin(...parts);
        expect(lzxpressDecompress(lzxpressCompress(data), data.length + 16)).toEqual(data);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects a match before the start and output beyond the bound", () => {
    expect(() => lzxpressDecompress(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x08, 0x00), 100)).toThrow(/before the start/);
    expect(() => lzxpressDecompress(Uint8Array.of(0xff, 0xff, 0xff, 0x1f, 0x61, 0x62, 0x63, 0x17, 0x00, 0x0f, 0xff, 0x26, 0x01), 100)).toThrow(/exceeds/);
  });
});

describe.skipIf(!haveSharedCaptures)("etl: the real netsh trace (../shared)", () => {
  const name = "small-system-misc-ping.etl";

  it("yields the 43 frames the independent extractor found, same bytes, same times", async () => {
    const got = await collect(etlReader, sharedCapture(`windows/${name}`), {}, name);
    const want = parseExpectedFrames(readFileSync(join(expectedDir, `${name}.frames.txt`), "utf8"));
    expect(got.errors).toEqual([]);
    expect(got.packets).toHaveLength(43);
    expect(got.packets.map((p) => [p.time, p.originalLength, p.capturedLength, p.sha])).toEqual(want.map((w) => [w.time, w.len, w.capLen, w.sha]));
    expect(got.notes).toContain("4 packets were out of time order across the per-CPU buffers; sorted by time");
    expect(got.notes).toContain("clock: QueryPerformanceCounter at 3312788 ticks/s");
  });

  it("times lie within the trace's start and end; direction matches who sent the frame", async () => {
    const got = await collect(etlReader, sharedCapture(`windows/${name}`), {}, name);
    // Log-file header: StartTime 0x01d552e285c5a71c, EndTime 0x01d552e28d20f957 (FILETIME).
    const unix = (ft: bigint) => Number(ft - 116444736000000000n) / 1e7;
    const times = got.packets.map((p) => Number(p.time));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(unix(0x01d552e285c5a71cn));
    expect(Math.max(...times)).toBeLessThanOrEqual(unix(0x01d552e28d20f957n));
    // tshark's summary of the extracted frames names each frame's source MAC; the capturing host's
    // adapters are 8c:89:a5:cb:b1:3f (IfIndex 14) and 02:00:4c:4f:4f:50 (IfIndex 2).
    const hostMacs = ["8c:89:a5:cb:b1:3f", "02:00:4c:4f:4f:50"];
    const sources = readFileSync(join(expectedDir, `${name}.tshark.txt`), "utf8").trim().split("\n").map((l) => l.split("\t")[1]);
    expect(got.packets.map((p) => p.meta?.epbFlags)).toEqual(sources.map((mac) => (hostMacs.includes(mac) ? 2 : 1)));
    expect(got.interfaces.map((i) => [i.linkType, i.name])).toEqual([
      [1, "eth:2"],
      [1, "eth:14"],
    ]);
  });
});

describe("etl: generated traces", () => {
  for (const [name, build] of Object.entries(etlFixtures)) {
    it(`${name}: the committed file is what the generator writes`, () => {
      expect(build().bytes).toEqual(fixture(name));
    });

    it(`${name}: every packet, in time order, with interface, direction and notes`, async () => {
      const want = build();
      const got = await collect(etlReader, want.bytes);
      expect(got.errors).toEqual([]);
      expect(got.interfaces.map(({ linkType, name, description }) => ({ linkType, name, ...(description ? { description } : {}) }))).toEqual(want.interfaces);
      expect(
        got.packets.map((p) => ({ time: p.time, iface: p.interfaceId, sha: p.sha, len: p.originalLength, cap: p.capturedLength, epbFlags: p.meta?.epbFlags, notes: p.meta?.notes })),
      ).toEqual(
        want.packets.map((p) => ({ time: p.time, iface: p.iface, sha: sha16(p.data), len: p.originalLength, cap: p.data.length, epbFlags: p.epbFlags, notes: p.notes })),
      );
    });
  }

  it("ndis-mixed.etl: summary notes name the compressed buffer, the clock and the sort", async () => {
    const got = await collect(etlReader, etlFixtures["ndis-mixed.etl"]().bytes);
    expect(got.notes).toEqual([
      'ETL trace "NetTrace", Windows 10.0.19041, 2 processors, 4 buffers (1 compressed)',
      "clock: QueryPerformanceCounter at 10000000 ticks/s",
      "7 packets from Microsoft-Windows-NDIS-PacketCapture (9 fragment events)",
      "2 packets were out of time order across the per-CPU buffers; sorted by time",
    ]);
  });

  it("pktmon-drop.etl: one copy per packet, packets without a link layer noted", async () => {
    const got = await collect(etlReader, etlFixtures["pktmon-drop.etl"]().bytes);
    expect(got.notes).toContain(
      "3 packets from Microsoft-Windows-PktMon (9 packet events: one copy kept per packet, the one closest to the wire; the components it crossed are in its notes)",
    );
    expect(got.notes).toContain("skipped 1 PktMon packets logged without a link layer (transport payload only)");
    expect(got.notes).toContain("clock: system time at 10000000 ticks/s");
  });

  it("CPU-cycle clock: ticks scale by the CPU speed from the log-file header", async () => {
    const start = 133000000000000000n;
    const log: LogFileSpec = { pointerSize: 8, clockType: 3, perfFreq: 0n, cpuMhz: 2000, startFiletime: start, startTicks: 1_000_000n, endFiletime: start, processors: 1, buffersWritten: 2, bufferSize: 4096, loggerName: "cycles" };
    const frame = new Uint8Array(60).fill(0xab);
    const payload = bytesJoin(le.u32(1), le.u32(1), le.u32(frame.length), frame);
    const bytes = buildEtl(log, [{ processor: 0, records: [eventRecord({ provider: NDIS, id: 1001, keyword: 0xc0000000n, ticks: 1_000_000n + 2_000_000_003n, payload })] }]);
    const got = await collect(etlReader, bytes);
    // 2,000,000,003 cycles at 2000 MHz = 1.0000000015 s: floor to the ns.
    const startUnix = (start - 116444736000000000n) / 10_000_000n;
    expect(got.packets.map((p) => p.time)).toEqual([`${startUnix + 1n}.000000001`]);
    expect(got.interfaces[0].tsResolution).toBe("1/2000000000 s");
  });
});

describe("etl: damaged files", () => {
  const trace = etlFixtures["ndis-mixed.etl"]().bytes;

  it("a file cut inside a buffer keeps the packets before the cut and says where it ends", async () => {
    // Cut inside the second packet buffer (bytes 16384.. of 8 KiB buffers): buffers 1-2 are whole.
    const got = await collect(etlReader, trace.subarray(0, 16384 + 250));
    expect(got.errors).toEqual([expect.objectContaining({ fatal: true, offset: 16384, message: expect.stringMatching(/file ends inside buffer 3/) })]);
    expect(got.errors[0].frame).toBe(got.packets.length + 1);
    // Buffer 2 (CPU 0) holds 4 packets; the first record of buffer 3 (the WWAN packet, 136 bytes) fits in the 250 - 72 bytes after its header.
    expect(got.packets.map((p) => p.sha)).toEqual(
      etlFixtures["ndis-mixed.etl"]()
        .packets.filter((p) => [10, 30, 70, 20].includes(Number(p.time.split(".")[1]) / 1000))
        .map((p) => sha16(p.data)),
    );
  });

  it("a buffer with an impossible size ends the read with a clear error", async () => {
    const bytes = trace.slice();
    new DataView(bytes.buffer).setUint32(8192, 77, true);
    const got = await collect(etlReader, bytes);
    expect(got.packets).toHaveLength(0);
    expect(got.errors).toEqual([expect.objectContaining({ fatal: true, offset: 8192, message: expect.stringMatching(/impossible size \(77 bytes\)/) })]);
  });

  it("a compressed buffer that does not decompress is skipped with a warning", async () => {
    const bytes = trace.slice();
    bytes.fill(0xff, 3 * 8192 + 0x48, 3 * 8192 + 0x48 + 8);
    const got = await collect(etlReader, bytes);
    expect(got.packets).toHaveLength(5);
    expect(got.errors).toEqual([expect.objectContaining({ fatal: false, message: expect.stringMatching(/compressed buffer 4 does not decompress/) })]);
  });

  it("a file without a log-file header is refused", async () => {
    const bytes = trace.slice();
    bytes[0x48 + 6] = 1; // hook id of the first record
    const got = await collect(etlReader, bytes);
    expect(got.errors).toEqual([expect.objectContaining({ fatal: true, message: expect.stringMatching(/no ETL log-file header/) })]);
  });

  it("sniff accepts ETL first buffers and refuses other formats", () => {
    expect(etlReader.sniff(trace.subarray(0, 128))).toBe(true);
    expect(etlReader.sniff(fixture("pktmon-drop.etl").subarray(0, 128))).toBe(true);
    expect(etlReader.sniff(Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, ...new Array(120).fill(0)))).toBe(false);
    expect(etlReader.sniff(fixture("netmon-2.1-media.cap").subarray(0, 128))).toBe(false);
    expect(etlReader.sniff(new Uint8Array(128))).toBe(false);
  });

  it("sniff needs the first record's marker at 0x4A: a plausible buffer header alone is not ETL", async () => {
    // The first buffer header of a real trace, then text where the log-file header should be.
    const text = new TextEncoder().encode("This is a plain text file, not a trace. ".repeat(200));
    const lookalike = text.slice(0, 8192);
    lookalike.set(trace.subarray(0, 0x48));
    expect(etlReader.sniff(lookalike.subarray(0, 128))).toBe(false);
    const info = await captureInfo(memorySource(lookalike, "notes.etl"));
    expect([info.format, info.packets]).toEqual(["unknown", 0]);
    expect(info.errors).toEqual([expect.objectContaining({ fatal: true, offset: 0, message: expect.stringMatching(/^not a capture file/) })]);
    // The same buffer header with a system trace header marker (32- or 64-bit) after it is.
    for (const headerType of [0x01, 0x02]) {
      const marked = lookalike.slice(0, 128);
      marked.set([headerType, 0xc0], 0x4a);
      expect(etlReader.sniff(marked)).toBe(true);
    }
    // The registry hands sniff() enough bytes to see it; without them, nothing says ETL.
    expect(SNIFF_HEAD_BYTES).toBeGreaterThanOrEqual(0x4c);
    expect(etlReader.sniff(trace.subarray(0, 0x4b))).toBe(false);
    expect(etlReader.sniff(trace.subarray(0, 0x4c))).toBe(true);
  });

  it("sniff refuses random bytes behind a plausible buffer header unless the marker is there", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 128 - 0x48, maxLength: 128 - 0x48 }), (tail) => {
        const head = new Uint8Array(128);
        head.set(trace.subarray(0, 0x48));
        head.set(tail, 0x48);
        const marked = head[0x4b] === 0xc0 && (head[0x4a] === 0x01 || head[0x4a] === 0x02);
        expect(etlReader.sniff(head)).toBe(marked);
      }),
      { numRuns: 500 },
    );
  });
});

describe("etl fuzz", () => {
  const files = Object.values(etlFixtures).map((build) => build().bytes);

  it("any truncation never throws and keeps only packets of the intact trace", async () => {
    // Packet bytes -> the times the intact trace gives them.
    const intact = await Promise.all(
      files.map(async (f) => {
        const times = new Map<string, string[]>();
        for (const p of (await collect(etlReader, f)).packets) times.set(p.sha, [...(times.get(p.sha) ?? []), p.time]);
        return times;
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: files.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), async (which, fraction) => {
        const file = files[which];
        const got = await collect(etlReader, file.subarray(0, Math.floor(file.length * fraction)));
        // Same bytes as an intact packet, and no later: PktMon keeps a sent packet's copy where it
        // leaves the host, its last appearance; a cut can leave only an earlier component's copy.
        for (const p of got.packets) {
          const times = intact[which].get(p.sha) ?? [];
          expect(times.some((t) => Number(p.time) <= Number(t))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("random byte mutations never throw or hang", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...files),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }),
        async (file, edits) => {
          const bytes = file.slice();
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const got = await collect(etlReader, bytes);
          for (const p of got.packets) expect(p.capturedLength).toBe(p.data.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("windows formats through the format registry", () => {
  it("detects NetMon and ETL by content, not by name, gzip-compressed too", async () => {
    const etl = etlFixtures["pktmon-drop.etl"]().bytes;
    const netmon = fixture("netmon-2.3-utc.cap");
    const etlInfo = await captureInfo(memorySource(etl, "misnamed.pcapng"));
    expect([etlInfo.format, etlInfo.packets, etlInfo.linkTypes]).toEqual(["etl", 3, ["EN10MB"]]);
    const netmonInfo = await captureInfo(memorySource(new Uint8Array(gzipSync(netmon)), "misnamed.pcap.gz"));
    expect([netmonInfo.format, netmonInfo.compression, netmonInfo.packets, netmonInfo.errors]).toEqual(["netmon", "gzip", 4, []]);
  });
});
