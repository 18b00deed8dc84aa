// gzip and zstd inputs: detection by magic (not name), streaming, damaged streams.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { decompress } from "fzstd";
import { describe, expect, it } from "vitest";
import { gunzipSource } from "./gzip";
import { openCapture } from "./index";
import { memorySource } from "./memory-source";
import { writePcap } from "./pcap-writer";
import type { ReadError } from "./types";
import { unzstdSource } from "./zstd";
import { haveSharedCaptures, sharedCapture } from "../../testing/shared-captures";

const fixtures = join(__dirname, "../../../fixtures/formats");
const fixture = (name: string) => new Uint8Array(readFileSync(join(fixtures, name)));

async function count(bytes: Uint8Array, name: string, onProgress?: (b: number, n: number) => void) {
  const errors: ReadError[] = [];
  let packets = 0;
  const summary = await openCapture(
    memorySource(bytes, name),
    { addInterface: () => {}, record: () => packets++, error: (e) => errors.push(e) },
    { onProgress, sliceBytes: 4096 },
  );
  return { summary, errors, packets };
}

/** 2000 frames of 300 bytes (~630 KB of pcap), compressible. */
const bigPcap = writePcap(
  Array.from({ length: 2000 }, (_, i) => ({ tsSec: 1e9 + i, tsNsec: 0, data: new Uint8Array(300).fill(i & 0xff) })),
  { linkType: 1 },
);

describe("compressed captures", () => {
  it("are detected by magic bytes whatever the name says", async () => {
    const gz = await count(fixture("two-members.pcap.gz"), "capture.pcapng");
    expect([gz.summary.compression, gz.summary.format, gz.packets]).toEqual(["gzip", "pcap-nsec", 6]);
    const zst = await count(fixture("multi-section.pcapng.zst"), "capture.pcap");
    expect([zst.summary.compression, zst.summary.format, zst.packets]).toEqual(["zstd", "pcapng", 5]);
  });

  it("report progress in stored (compressed) bytes", async () => {
    const gz = gzipSync(bigPcap);
    const seen: number[] = [];
    const { packets } = await count(new Uint8Array(gz), "big.gz", (b) => seen.push(b));
    expect(packets).toBe(2000);
    expect(Math.max(...seen)).toBe(gz.length);
  });

  it("keep the packets before a damaged gzip stream and say where it broke", async () => {
    const gz = new Uint8Array(gzipSync(bigPcap));
    const cut = gz.slice(0, Math.floor(gz.length / 2));
    const { packets, errors } = await count(cut, "cut.pcap.gz");
    expect(packets).toBeGreaterThan(0);
    expect(packets).toBeLessThan(2000);
    const fatal = errors.filter((e) => e.fatal);
    expect(fatal.some((e) => /^gzip: /.test(e.message))).toBe(true);
    expect(fatal.every((e) => Number.isInteger(e.offset) && e.frame >= packets + 1)).toBe(true);
  });

  it("keep the packets before garbage inside a zstd stream", async () => {
    const zst = fixture("multi-section.pcapng.zst").slice();
    zst.fill(0x55, zst.length - 40);
    const { packets, errors } = await count(zst, "bad.zst");
    expect(packets).toBeLessThan(5);
    expect(errors.some((e) => e.fatal && /^zstd: /.test(e.message))).toBe(true);
  });

  it("deliver exactly the decompressed bytes, read in any piece sizes", async () => {
    const zst = fixture("many-frames.pcap.zst");
    const whole = decompress(zst);
    const gz = new Uint8Array(gzipSync(whole));
    for (const src of [unzstdSource(memorySource(zst)), gunzipSource(memorySource(gz))]) {
      const pieces: Uint8Array[] = [];
      let at = 0;
      for (let i = 0; ; i++) {
        // Mix tiny and multi-megabyte reads; keep every piece until the end to catch reused buffers.
        const piece = await src.read(at, i % 3 === 0 ? 3_000_000 : 1 + ((i * 7919) % 70_000));
        pieces.push(piece);
        at += piece.length;
        if (piece.length === 0) break;
      }
      expect(Buffer.concat(pieces).equals(Buffer.from(whole))).toBe(true);
    }
  });

  it("decompress every gzip member, also when a member's header is split between two input pieces", async () => {
    // Stored (level 0) members have a predictable size: pick member 1's length so it ends 3 bytes
    // before the 256 KiB input-piece boundary, so member 2's header straddles it.
    let seed = 1;
    const noise = Uint8Array.from({ length: 600_000 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    const stored = (b: Uint8Array) => gzipSync(b, { level: 0 });
    let length = 262_000;
    let first = stored(noise.subarray(0, length));
    for (let tries = 0; tries < 10 && first.length !== 262_144 - 3; tries++) {
      length += 262_144 - 3 - first.length;
      first = stored(noise.subarray(0, length));
    }
    expect(first.length).toBe(262_144 - 3);
    const parts = [first, gzipSync(noise.subarray(length, 400_000)), gzipSync(noise.subarray(400_000))];
    const gz = new Uint8Array(Buffer.concat(parts));
    const src = gunzipSource(memorySource(gz));
    const out = await src.read(0, 1_000_000);
    expect(out.length).toBe(noise.length);
    expect(Buffer.from(out).equals(Buffer.from(noise))).toBe(true);
  });

  it("are forward-only streams that refuse to seek back", async () => {
    const src = gunzipSource(memorySource(new Uint8Array(gzipSync(bigPcap))));
    const first = await src.read(0, 1000);
    expect([...first]).toEqual([...bigPcap.subarray(0, 1000)]);
    await expect(src.read(0, 10)).rejects.toThrow(/expected 1000/);
    const zsrc = unzstdSource(memorySource(fixture("multi-section.pcapng.zst")));
    expect((await zsrc.read(0, 1 << 20)).length).toBe(fixture("multi-section.pcapng").length);
  });
});

describe.skipIf(!haveSharedCaptures)("compressed input for a random-access reader", () => {
  it("gets a buffered copy and reads exactly what the uncompressed file gives", async () => {
    const plain = sharedCapture("windows/MicrosoftNTP.cap");
    const offsets = async (bytes: Uint8Array) => {
      const seen: number[] = [];
      const summary = await openCapture(memorySource(bytes, "ntp"), { addInterface: () => {}, record: (r) => seen.push(r.fileOffset), error: () => {} });
      return { summary, seen };
    };
    const a = await offsets(plain);
    const b = await offsets(new Uint8Array(gzipSync(plain)));
    expect(a.summary.format).toBe("netmon");
    expect([b.summary.format, b.summary.compression]).toEqual(["netmon", "gzip"]);
    expect(a.seen.length).toBeGreaterThan(0);
    expect(b.seen).toEqual(a.seen);
  });
});
