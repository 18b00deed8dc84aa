// Property tests: truncated or mutated captures never make the readers throw or hang, and
// whatever was read before the damage is kept, byte for byte.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { openCapture } from "./index";
import { memorySource } from "./memory-source";
import type { ReadError } from "./types";

const fixtures = join(__dirname, "../../../fixtures/formats");
const valid = [
  "le-usec.pcap",
  "be-nsec.pcap",
  "snaplen-42.pcap",
  "comments-flags.pcapng",
  "multi-section.pcapng",
  "simple-packet-blocks.pcapng",
  "obsolete-packet-blocks.pcapng",
  "skipped-blocks.pcapng",
  "tsresol-pow2-offset-be.pcapng",
  "two-members.pcap.gz",
  "multi-section.pcapng.zst",
].map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(fixtures, name))) }));

interface Read {
  records: { data: string; offset: number; caplen: number }[];
  errors: ReadError[];
}

async function readAll(bytes: Uint8Array, sliceBytes?: number): Promise<Read> {
  const out: Read = { records: [], errors: [] };
  await openCapture(
    memorySource(bytes, "fuzz"),
    {
      addInterface: () => {},
      record: (r) => {
        expect(r.data.length).toBe(r.capturedLength);
        expect(r.tsNsec >= 0 && r.tsNsec < 1e9).toBe(true);
        out.records.push({ data: Buffer.from(r.data).toString("hex"), offset: r.fileOffset, caplen: r.capturedLength });
      },
      error: (e) => out.errors.push(e),
    },
    { sliceBytes },
  );
  for (const e of out.errors) {
    // "read failed" is openCapture's safety net: a reader threw instead of reporting.
    expect(e.message).not.toMatch(/^read failed/);
    expect(Number.isInteger(e.offset) && e.offset >= 0).toBe(true);
    expect(e.frame).toBeGreaterThanOrEqual(1);
  }
  return out;
}

/**
 * Offsets where a file can end cleanly: after its header and after each block or record.
 * Walked here independently of the readers: pcap records by their captured length, pcapng
 * blocks by their total length, in each section's byte order.
 */
function cleanEnds(bytes: Uint8Array): Set<number> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ends = new Set<number>();
  if (view.getUint32(0) === 0x0a0d0d0a) {
    let little = true;
    for (let at = 0; at + 12 <= bytes.length; ) {
      if (view.getUint32(at) === 0x0a0d0d0a) little = view.getUint32(at + 8, true) === 0x1a2b3c4d;
      at += (view.getUint32(at + 4, little) + 3) & ~3;
      ends.add(at);
    }
  } else {
    const little = [0xa1b2c3d4, 0xa1b23c4d].includes(view.getUint32(0, true));
    for (let at = 24; at <= bytes.length; at += 16 + view.getUint32(at + 8, little)) {
      ends.add(at);
      if (at + 16 > bytes.length) break;
    }
  }
  return ends;
}

describe("damaged captures", () => {
  it("truncated anywhere: a prefix of the records is kept, and a cut inside a block is reported", async () => {
    const uncompressed = valid.filter((v) => !/\.(gz|zst)$/.test(v.name));
    const clean = uncompressed.map((v) => cleanEnds(v.bytes));
    const full = await Promise.all(uncompressed.map((v) => readAll(v.bytes)));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: uncompressed.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), async (i, at) => {
        const { bytes } = uncompressed[i];
        const cut = Math.floor(at * bytes.length);
        const got = await readAll(bytes.subarray(0, cut), 1 + (cut % 97));
        const all = full[i].records;
        expect(got.records).toEqual(all.slice(0, got.records.length));
        // Every record that ends before the cut is kept (a record ends where the next one starts).
        const ends = all.map((_, k) => (k + 1 < all.length ? all[k + 1].offset : bytes.length));
        expect(got.records.length).toBeGreaterThanOrEqual(ends.filter((e) => e <= cut).length);
        // Cut at a block boundary, the file is a valid shorter capture; anywhere else it is damaged.
        if (got.records.length < all.length && !clean[i].has(cut)) expect(got.errors.some((e) => e.fatal)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it("a file cut right after a block is a valid shorter capture; one byte further it is damaged", async () => {
    const { bytes } = valid.find((v) => v.name === "skipped-blocks.pcapng")!;
    // Byte 28 ends the section header block (its total length field says 28).
    expect(cleanEnds(bytes).has(28)).toBe(true);
    expect(await readAll(bytes.subarray(0, 28))).toEqual({ records: [], errors: [] });
    expect((await readAll(bytes.subarray(0, 29))).errors.filter((e) => e.fatal)).toHaveLength(1);
  });

  it("mutated bytes: never throws, never hangs, at most one fatal error per layer", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        async (i, edits) => {
          const bytes = valid[i].bytes.slice();
          for (const [at, value] of edits) bytes[Math.floor(at * (bytes.length - 1))] = value;
          const got = await readAll(bytes, 64);
          expect(got.errors.filter((e) => e.fatal).length).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 600 },
    );
  });

  it("random bytes behind a valid magic number: never throws", async () => {
    const magics = [[0xd4, 0xc3, 0xb2, 0xa1], [0x4d, 0x3c, 0xb2, 0xa1], [0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a], [0x1f, 0x8b], [0x28, 0xb5, 0x2f, 0xfd]];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 400 }), async (magic, tail) => {
        const bytes = new Uint8Array([...magic, ...tail]);
        await readAll(bytes);
      }),
      { numRuns: 600 },
    );
  });
});
