// A ByteSource over a Blob (the browser's File), read on demand, so a 2 GB capture never has
// to be in memory at once. Consecutive reads come from one byte stream that fills released
// slices again (a BYOB reader): in Chromium, a new ArrayBuffer per slice (Blob.slice() then
// arrayBuffer()) read a 1 GB file in 4.3-7.0 s, mostly in first touches of the new memory;
// a BYOB reader refilling the same memory read it in 1.2 s. A read anywhere else than where
// the stream has got to starts a new stream there; short reads are plain slices, and so is a
// slice whose stream stalls.
import { SpareBuffers } from "../core/formats/spare-buffers";
import type { ByteSource } from "../core/formats/types";
/** Reads shorter than this (a file header, one frame's bytes for the packet view) are plain slices: no stream is started for them. */
const STREAM_MIN_BYTES = 256 * 1024;
/**
 * A stream read that has not settled after this long is given up: Chromium's Blob stream now
 * and then stopped delivering for good (4 of 26 reads of a 2 GB file, at 1.3-2.0 GB; none in
 * 18 reads from disk since this timeout guards each read). The slice is then read as a plain
 * slice and the next read starts a new stream. Each read waits for at most one stream chunk
 * (64 KiB-1 MiB), which takes milliseconds.
 */
const STALLED_READ_MS = 3000;
/**
 * A read gives the worker's event loop a turn (a task, in which messages such as a cancel are
 * handled) when the last turn was longer ago than this. Without it, a read whose bytes were
 * already buffered (a Blob stream that has read ahead, a gzip stream inflating 150:1) went on
 * as one chain of promises: a cancel was handled 26 s later, at the end of an 8-million-packet
 * file.
 */
const TURN_EVERY_MS = 50;

export function blobSource(blob: Blob, name: string, stalledReadMs = STALLED_READ_MS): ByteSource {
  let reader: ReadableStreamBYOBReader | undefined;
  /** False where a Blob's stream is not a byte stream: slices are read one by one. */
  let byteStreams = true;
  /** Where `reader` has got to in the blob. */
  let position = 0;
  /** Reads run one after the other: the reader asks for the next slices before it needs them. */
  let queue: Promise<unknown> = Promise.resolve();
  const spare = new SpareBuffers();
  const slice = async (offset: number, length: number) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
  let lastTurn = performance.now();

  async function readAt(offset: number, length: number): Promise<Uint8Array> {
    if (performance.now() - lastTurn > TURN_EVERY_MS) {
      await eventLoopTurn();
      lastTurn = performance.now();
    }
    const want = Math.max(0, Math.min(length, blob.size - offset));
    if (want === 0) return new Uint8Array(0);
    if (want < STREAM_MIN_BYTES) return slice(offset, want);
    if (byteStreams && (reader === undefined || position !== offset)) {
      void reader?.cancel();
      reader = byobReader(blob.slice(offset));
      byteStreams = reader !== undefined;
      position = offset;
    }
    if (reader === undefined) return slice(offset, want);
    // Each read hands the buffer to the stream and back (as a new ArrayBuffer object on the same memory).
    let memory = spare.take(want, (length) => new ArrayBuffer(length));
    let filled = 0;
    while (filled < want) {
      const result = await settled(reader.read(new Uint8Array(memory, filled, want - filled)), stalledReadMs);
      if (result === undefined) {
        void reader.cancel().catch(() => undefined);
        reader = undefined;
        return slice(offset, want);
      }
      const { done, value } = result;
      if (value !== undefined) {
        memory = value.buffer as ArrayBuffer;
        filled += value.byteLength;
      }
      if (done) break;
    }
    position += filled;
    return new Uint8Array(memory, 0, filled);
  }

  return {
    name,
    size: blob.size,
    read(offset, length) {
      const result = queue.then(() => readAt(offset, length));
      queue = result.catch(() => undefined);
      return result;
    },
    release: (bytes) => spare.give(bytes),
  };
}

/** What `promise` resolves to, or undefined when it has not settled within `ms` (its rejection is passed on). */
async function settled<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves in a new task: the event loop handles waiting messages first (MessageChannel, unlike setTimeout, is not clamped to 4 ms). */
function eventLoopTurn(): Promise<void> {
  const channel = new MessageChannel();
  return new Promise((resolve) => {
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

/** A BYOB reader of the blob's bytes, or undefined where its stream is not a byte stream. */
function byobReader(blob: Blob): ReadableStreamBYOBReader | undefined {
  try {
    return blob.stream().getReader({ mode: "byob" });
  } catch {
    return undefined;
  }
}
