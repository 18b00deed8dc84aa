// Re-reads the bytes of given frames from the capture File (the tables keep only offsets).
// Fast path: the core reader runs on a small spliced copy, the file's bytes before its first
// packet (file header, interface descriptions) followed by the bytes at the frame's record
// offset; the record it yields is accepted only if its length and timestamp are the frame's.
// Otherwise (compressed input, a later section or interface block, formats with frame tables)
// the whole file is read again up to the last wanted frame, which works for everything.
import { openCapture } from "../core/formats/index";
import { memorySource } from "../core/formats/memory-source";
import type { ByteSource, PacketRecord } from "../core/formats/types";
import { fileOffset, type PacketTable } from "../core/model/packet-table";

/** Bytes read past the record's start: its header, data, padding, options and trailer. */
const SPLICE_SLACK = 4096;

/** Runs the core reader on `source` and hands each record to `take` until it returns true. */
async function readUntil(source: ByteSource, take: (rec: PacketRecord, index: number) => boolean): Promise<void> {
  const stop = new AbortController();
  let index = 0;
  await openCapture(
    source,
    {
      addInterface: () => {},
      record: (rec) => {
        if (!stop.signal.aborted && take(rec, index++)) stop.abort();
      },
      error: () => {},
    },
    { signal: stop.signal },
  );
}

async function splicedFrame(source: ByteSource, t: PacketTable, frame: number): Promise<Uint8Array | null> {
  const c = t.columns;
  const row = frame - 1;
  const preamble = await source.read(0, fileOffset(t, 0));
  const record = await source.read(fileOffset(t, row), c.capturedLength[row] + SPLICE_SLACK);
  const spliced = new Uint8Array(preamble.length + record.length);
  spliced.set(preamble);
  spliced.set(record, preamble.length);
  let found: Uint8Array | null = null;
  await readUntil(memorySource(spliced, source.name), (rec) => {
    const same =
      rec.fileOffset === preamble.length &&
      rec.capturedLength === c.capturedLength[row] &&
      rec.tsSec === c.tsSec[row] &&
      rec.tsNsec === c.tsNsec[row];
    if (same) found = rec.data.slice();
    return true;
  });
  return found;
}

export async function readFrames(source: ByteSource, t: PacketTable, frames: number[]): Promise<Map<number, Uint8Array>> {
  const found = new Map<number, Uint8Array>();
  const valid = frames.filter((f) => f >= 1 && f <= t.count);
  if (t.compression === "none") {
    for (const frame of valid) {
      const bytes = await splicedFrame(source, t, frame);
      if (bytes) found.set(frame, bytes);
    }
  }
  const missing = new Set(valid.filter((f) => !found.has(f)));
  if (missing.size > 0) {
    const last = Math.max(...missing);
    await readUntil(source, (rec, index) => {
      if (missing.has(index + 1)) found.set(index + 1, rec.data.slice());
      return index + 1 >= last;
    });
  }
  return found;
}
