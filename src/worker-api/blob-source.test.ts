// The Blob source against the blob's own bytes: sequential slices (as the reader asks for them,
// two ahead), jumps back and forth, short reads, reads past the end, reuse of released slices, and a blob
// whose stream is not a byte stream.
import { describe, expect, it } from "vitest";
import { blobSource } from "./blob-source";

const SIZE = 3_000_000;
const bytes = Uint8Array.from({ length: SIZE }, (_, i) => (i * 2654435761) >>> 24);
const expected = (offset: number, length: number) => bytes.subarray(offset, Math.min(SIZE, offset + length));
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** bytes[start..end) as a blob whose stream() gives chunks of at most `chunk` bytes: a BYOB read may then fill only part of a slice. */
function chunkedBlob(chunk: number, start = 0, end = SIZE): Blob {
  const part = bytes.subarray(start, end);
  return Object.assign(new Blob([part]), {
    slice: (s = 0, e = part.length) => chunkedBlob(chunk, start + s, Math.min(end, start + e)),
    stream: () => {
      let at = 0;
      return new ReadableStream({
        type: "bytes",
        pull(controller) {
          const request = controller.byobRequest!;
          const n = Math.min(chunk, request.view!.byteLength, part.length - at);
          if (n === 0) {
            controller.close();
            request.respond(0);
            return;
          }
          new Uint8Array(request.view!.buffer, request.view!.byteOffset, n).set(part.subarray(at, at + n));
          at += n;
          request.respond(n);
        },
      });
    },
  });
}

describe("blobSource", () => {
  for (const [what, blob] of [
    ["a Blob", () => new Blob([bytes])],
    ["a stream of 10,000-byte chunks", () => chunkedBlob(10_000)],
  ] as const) {
    it(`reads consecutive slices, two requested ahead, and releases them for reuse (${what})`, async () => {
      const source = blobSource(blob(), "x.pcap");
      const slice = 700_001;
      const pending = [source.read(0, slice), source.read(slice, slice)];
      let wrong = 0;
      for (let offset = 0; offset < SIZE; offset += slice) {
        const got = await pending.shift()!;
        if (!same(got, expected(offset, slice))) wrong++;
        source.release?.(got);
        pending.push(source.read(offset + 2 * slice, slice));
      }
      expect(wrong).toBe(0);
      expect((await Promise.all(pending)).map((p) => p.length)).toEqual([0, 0]);
    });

    it(`reads anywhere: back, forward, across the end (${what})`, async () => {
      const source = blobSource(blob(), "x.pcap");
      for (const [offset, length] of [
        [100, 5000],
        [5100, 20_000],
        [0, 24],
        [2_500_000, 1_000_000],
        [300_000, 600_000],
        [900_000, 300_000],
        [0, 400_000],
        [1_000_000, 3],
        [SIZE - 1, 10],
        [SIZE, 10],
      ]) {
        const got = await source.read(offset, length);
        expect(same(got, expected(offset, length)), `${offset}+${length}`).toBe(true);
        source.release?.(got);
      }
    });
  }

  it("reads slice by slice a blob whose stream is not a byte stream", async () => {
    const blob = Object.assign(new Blob([bytes]), { stream: () => new ReadableStream({ start: (c) => c.close() }) });
    const source = blobSource(blob, "x.pcap");
    for (const [offset, length] of [
      [0, 1_000_000],
      [1_000_000, 1_000_000],
      [10, 10],
    ]) {
      expect(same(await source.read(offset, length), expected(offset, length))).toBe(true);
    }
  });
});
