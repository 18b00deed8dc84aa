// A forward-only ByteSource that decompresses another source as it is read (gzip.ts, zstd.ts):
// compressed input is pushed in small pieces so memory holds only about one output slice.

import type { ByteSource } from "./types";

/** A streaming decompressor: output arrives through the callback given to its factory. */
export interface Inflater {
  push(chunk: Uint8Array, final: boolean): void;
}

export interface DecompressedSource extends ByteSource {
  readonly forwardOnly: true;
  /** Compressed bytes consumed so far (for progress in stored-file bytes). */
  readonly storedBytesRead: number;
  /** Why decompression stopped early, if it did; the data before it was delivered. */
  readonly failure?: { message: string; storedOffset: number; offset: number };
}

/** Compressed bytes per push: bounds the output one push can produce (deflate tops out at ~1032:1). */
const INPUT_BYTES = 256 * 1024;

export function decompressedSource(
  raw: ByteSource,
  codec: string,
  makeInflater: (ondata: (chunk: Uint8Array) => void) => Inflater,
): DecompressedSource {
  const queue: Uint8Array[] = [];
  let queued = 0;
  /** Stream offset of the first queued byte. */
  let position = 0;
  let storedBytesRead = 0;
  let done = false;
  let failure: DecompressedSource["failure"];
  const inflater = makeInflater((chunk) => {
    if (chunk.length === 0) return;
    queue.push(chunk);
    queued += chunk.length;
  });

  async function pull(): Promise<void> {
    const chunk = await raw.read(storedBytesRead, INPUT_BYTES);
    storedBytesRead += chunk.length;
    const final = chunk.length < INPUT_BYTES || storedBytesRead >= raw.size;
    try {
      inflater.push(chunk, final);
    } catch (e) {
      failure = { message: `${codec}: ${e instanceof Error ? e.message : String(e)}`, storedOffset: storedBytesRead - chunk.length, offset: position + queued };
      done = true;
    }
    if (final) done = true;
  }

  function take(length: number): Uint8Array {
    const first = queue[0];
    if (first && first.length >= length) {
      // The decompressor hands over fresh arrays, so a view is safe and saves a copy.
      const out = first.subarray(0, length);
      if (first.length === length) queue.shift();
      else queue[0] = first.subarray(length);
      queued -= length;
      position += length;
      return out;
    }
    const out = new Uint8Array(Math.min(length, queued));
    let filled = 0;
    while (filled < out.length) {
      const head = queue[0];
      const n = Math.min(head.length, out.length - filled);
      out.set(head.subarray(0, n), filled);
      filled += n;
      if (n === head.length) queue.shift();
      else queue[0] = head.subarray(n);
    }
    queued -= out.length;
    position += out.length;
    return out;
  }

  return {
    name: raw.name,
    size: NaN,
    forwardOnly: true,
    get storedBytesRead() {
      return storedBytesRead;
    },
    get failure() {
      return failure;
    },
    async read(offset, length) {
      if (offset !== position) throw new Error(`${codec} stream of ${raw.name} read at ${offset}, expected ${position}`);
      while (queued < length && !done) await pull();
      return take(length);
    },
  };
}
