// The Blob source against the blob's own bytes: sequential slices (as the reader asks for them,
// two ahead), jumps back and forth, short reads, reads past the end, reuse of released slices, a
// blob whose stream is not a byte stream; and every shared capture read through a File decodes
// to the table read from memory.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { memorySource } from "../core/formats/memory-source";
import { openCapture } from "../core/formats/index";
import { PacketTableBuilder, readPacketTable } from "../core/model/packet-table-builder";
import type { PacketTable } from "../core/model/packet-table";
import { haveSharedCaptures, sharedCaptures } from "../testing/shared-captures";
import { blobSource } from "./blob-source";

const SIZE = 3_000_000;
const bytes = Uint8Array.from({ length: SIZE }, (_, i) => (i * 2654435761) >>> 24);
const expected = (offset: number, length: number) => bytes.subarray(offset, Math.min(SIZE, offset + length));
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * bytes[start..end) as a blob whose stream() gives chunks of at most `chunk` bytes (a BYOB read
 * may then fill only part of a slice) and, after `stallAfter` bytes, never answers again.
 */
function chunkedBlob(chunk: number, start = 0, end = SIZE, stallAfter = Infinity): Blob {
  const part = bytes.subarray(start, end);
  return Object.assign(new Blob([part]), {
    slice: (s = 0, e = part.length) => chunkedBlob(chunk, start + s, Math.min(end, start + e), stallAfter),
    stream: () => {
      let at = 0;
      return new ReadableStream({
        type: "bytes",
        pull(controller) {
          if (at >= stallAfter) return new Promise<void>(() => {});
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

  it("reads a slice whose stream stops answering as a plain slice, and goes on with a new stream", async () => {
    // Every stream stalls after 1,000,000 bytes: each 700,001-byte slice after the first is cut short by one.
    const source = blobSource(chunkedBlob(65_536, 0, SIZE, 1_000_000), "x.pcap", 50);
    const start = performance.now();
    let wrong = 0;
    for (let offset = 0; offset < SIZE; offset += 700_001) {
      const got = await source.read(offset, 700_001);
      if (!same(got, expected(offset, 700_001))) wrong++;
      source.release?.(got);
    }
    expect(wrong).toBe(0);
    // Two stalls of 50 ms (slices 2 and 4), not a hang.
    expect(performance.now() - start).toBeLessThan(2000);
  });

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

/** Capture files under ../shared/captures (relative paths). */
function sharedCaptureFiles(dir = sharedCaptures): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sharedCaptureFiles(path);
    return /\.(md|json|txt)$/.test(name) ? [] : [relative(sharedCaptures, path)];
  });
}

/** Names of the columns whose values differ between two tables. */
function differingColumns(a: PacketTable, b: PacketTable): string[] {
  const columns = (t: PacketTable) => ({ ...t.columns, ...t.optional }) as Record<string, ArrayLike<number>>;
  const [x, y] = [columns(a), columns(b)];
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((name) => {
    const [u, v] = [x[name], y[name]];
    if (u === undefined || v === undefined || u.length !== v.length) return true;
    for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return true;
    return false;
  });
}

describe.skipIf(!haveSharedCaptures)("every shared capture read through a File", () => {
  it.each(haveSharedCaptures ? sharedCaptureFiles() : [])("%s decodes as from memory", async (rel) => {
    const bytes = new Uint8Array(readFileSync(join(sharedCaptures, rel)));
    const name = rel.split("/").pop()!;
    const expected = await readPacketTable(memorySource(bytes, name));
    const builder = new PacketTableBuilder(bytes.length);
    // Slices of 300,000 bytes: streamed (not plain slices), and several per file with records across them.
    const summary = await openCapture(blobSource(new File([bytes], name), name), builder, { sliceBytes: 300_000 });
    const table = builder.finish(summary);
    expect([table.count, table.errors, table.interfaces]).toEqual([expected.count, expected.errors, expected.interfaces]);
    expect(differingColumns(table, expected)).toEqual([]);
    expect(table.sparse).toEqual(expected.sparse);
  });
});
