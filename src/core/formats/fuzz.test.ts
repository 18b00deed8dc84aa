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

describe("damaged captures", () => {
  it("truncated anywhere: a prefix of the records is kept, and the cut is reported", async () => {
    const uncompressed = valid.filter((v) => !/\.(gz|zst)$/.test(v.name));
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
        if (got.records.length < all.length) expect(got.errors.some((e) => e.fatal)).toBe(true);
      }),
      { numRuns: 400 },
    );
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
