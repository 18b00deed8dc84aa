// Entry point for reading a capture: detects compression and format by magic bytes (never by
// file name), picks the reader from the registry, and sums up what was read.

import { gunzipSource, isGzip } from "./gzip";
import { etlReader } from "./etl";
import { memorySource } from "./memory-source";
import { netmonReader } from "./netmon";
import { pcapReader } from "./pcap";
import { pcapngReader } from "./pcapng";
import type { DecompressedSource } from "./stream-source";
import type { ByteSource, Compression, FormatReader, ReadError, ReadOptions, ReadSummary, RecordSink } from "./types";
import { isZstd, unzstdSource } from "./zstd";

/** Every format Parallax reads; the first whose sniff() accepts the file's first bytes wins. */
// ETL last: it has no magic number, only a plausible first buffer header.
export const formatReaders: FormatReader[] = [pcapReader, pcapngReader, netmonReader, etlReader];

/** Bytes handed to sniff(): enough for ETL, whose first record marker sits at 0x4A. */
export const SNIFF_HEAD_BYTES = 128;

/**
 * Reads a capture file into `sink`. Never rejects on bad input; when `opts.signal` aborts, it
 * stops there and resolves with what was read, noted as cancelled.
 */
export async function openCapture(source: ByteSource, sink: RecordSink, opts: ReadOptions = {}): Promise<ReadSummary> {
  const errors: ReadError[] = [];
  let packets = 0;
  /** Where the last packet's record starts: the closest known offset when a read fails unexpectedly. */
  let lastRecordOffset = 0;
  const summary: ReadSummary = {
    file: source.name,
    format: "unknown",
    compression: "none",
    fileBytes: source.size,
    packets: 0,
    errors,
    notes: [],
    cancelled: false,
  };
  const fatal = (offset: number, message: string) => {
    const err: ReadError = { file: source.name, offset, frame: packets + 1, message, fatal: true };
    errors.push(err);
    sink.error(err);
  };
  const counting: RecordSink = {
    addInterface: (id, info) => sink.addInterface(id, info),
    record: (rec) => {
      packets++;
      lastRecordOffset = rec.fileOffset;
      sink.record(rec);
    },
    error: (err) => {
      errors.push(err);
      sink.error(err);
    },
  };

  try {
    let input = source;
    let stream: DecompressedSource | undefined;
    let head = await source.read(0, SNIFF_HEAD_BYTES);
    const compression: Compression = isGzip(head) ? "gzip" : isZstd(head) ? "zstd" : "none";
    summary.compression = compression;
    if (compression !== "none") {
      stream = compression === "gzip" ? gunzipSource(source) : unzstdSource(source);
      head = await stream.read(0, SNIFF_HEAD_BYTES);
      input = replayingHead(stream, head);
    }
    const reader = formatReaders.find((r) => r.sniff(head));
    if (!reader) {
      const failure = stream?.failure;
      if (failure) fatal(failure.offset, `${failure.message} (compressed byte ${failure.storedOffset})`);
      else fatal(0, `not a capture file: ${describeHead(head)}`);
    } else {
      summary.format = reader.format;
      if (reader.randomAccess && stream) input = memorySource(await readAll(input), source.name);
      const readOpts: ReadOptions = stream
        ? { ...opts, onProgress: opts.onProgress && ((_, n) => opts.onProgress!(stream.storedBytesRead, n)) }
        : opts;
      const result = await reader.read(input, counting, readOpts);
      summary.format = result.format;
      summary.notes.push(...result.notes);
      summary.cancelled = result.cancelled ?? false;
      const failure = stream?.failure;
      if (failure) fatal(failure.offset, `${failure.message} (compressed byte ${failure.storedOffset}): the data after it is lost`);
    }
  } catch (e) {
    // A cancel (the cursor rejects at its next slice), a reader bug or an I/O failure of the
    // source: keep what was read, say why it stopped.
    if (opts.signal?.aborted) summary.cancelled = true;
    else fatal(lastRecordOffset, `read failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (summary.cancelled) summary.notes.push(`reading was cancelled after ${packets} packets: the rest of the file was not read`);
  summary.packets = packets;
  return summary;
}

/** Serves the already-read first bytes again, so a forward-only stream can be sniffed first. */
function replayingHead(stream: ByteSource, head: Uint8Array): ByteSource {
  return {
    name: stream.name,
    size: stream.size,
    forwardOnly: true,
    async read(offset, length) {
      if (offset >= head.length) return stream.read(offset, length);
      const fromHead = head.subarray(offset, Math.min(head.length, offset + length));
      if (fromHead.length === length || head.length < SNIFF_HEAD_BYTES) return fromHead;
      const rest = await stream.read(head.length, length - fromHead.length);
      const out = new Uint8Array(fromHead.length + rest.length);
      out.set(fromHead);
      out.set(rest, fromHead.length);
      return out;
    },
  };
}

async function readAll(input: ByteSource): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const want = 32 * 1024 * 1024;
    const chunk = await input.read(total, want);
    parts.push(chunk);
    total += chunk.length;
    if (chunk.length < want) break;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** "3c 68 74 6d 6c ... (looks like HTML)": what the first bytes of an unreadable file say. */
export function describeHead(head: Uint8Array): string {
  if (head.length === 0) return "the file is empty";
  const hex = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  const ascii = String.fromCharCode(...head.subarray(0, 32)).trimStart().toLowerCase();
  let guess = "";
  if (ascii.startsWith("<!doctype html") || ascii.startsWith("<html")) guess = "looks like HTML";
  else if (ascii.startsWith("<")) guess = "looks like XML or HTML";
  else if (ascii.startsWith("{") || ascii.startsWith("[")) guess = "looks like JSON";
  else if (head[0] === 0x50 && head[1] === 0x4b) guess = "looks like a ZIP archive";
  else if (/^[\x09\x0a\x0d\x20-\x7e]+$/.test(ascii)) guess = "looks like text";
  return `first bytes ${hex}${head.length > 8 ? " ..." : ""}${guess ? ` (${guess})` : ""}`;
}
