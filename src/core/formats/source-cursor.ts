// Reads a ByteSource front to back in large slices and keeps a window over the current slice,
// carrying an unfinished record's bytes over to the next slice so readers see it whole.

import type { ByteSource, ReadOptions } from "./types";

/** Big enough that the per-slice await and copy cost vanish, small enough for a browser tab. */
export const SLICE_BYTES = 32 * 1024 * 1024;

export class SourceCursor {
  /** The bytes currently held; `pos` indexes into it. */
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(this.bytes.buffer);
  /** Read position inside `bytes`. */
  pos = 0;
  /** Stream offset of bytes[0]. */
  base = 0;
  /** The source has no more bytes after `bytes`. */
  eof = false;

  private readonly sliceBytes: number;

  constructor(
    private readonly source: ByteSource,
    private readonly opts: ReadOptions,
  ) {
    this.sliceBytes = opts.sliceBytes ?? SLICE_BYTES;
  }

  /** Stream offset of the read position. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes available from the read position without reading more. */
  get available(): number {
    return this.bytes.length - this.pos;
  }

  /**
   * Makes at least `need` bytes available from the read position, reading further slices as
   * required. Resolves false when the data ends first (then `available` is what is left).
   * Rejects only when `opts.signal` is aborted.
   */
  async fill(need: number, packets: number): Promise<boolean> {
    while (this.bytes.length - this.pos < need && !this.eof) {
      this.opts.signal?.throwIfAborted();
      const start = this.base + this.bytes.length;
      const want = Math.max(this.sliceBytes, need - this.available);
      const chunk = await this.source.read(start, want);
      if (chunk.length < want) this.eof = true;
      const carried = this.bytes.length - this.pos;
      let next: Uint8Array;
      if (carried === 0) {
        next = chunk;
      } else {
        next = new Uint8Array(carried + chunk.length);
        next.set(this.bytes.subarray(this.pos));
        next.set(chunk, carried);
      }
      this.base += this.pos;
      this.pos = 0;
      this.bytes = next;
      this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
      this.opts.onProgress?.(start + chunk.length, packets);
    }
    return this.bytes.length - this.pos >= need;
  }
}

/** Largest record or block a reader accepts: anything bigger is a corrupt length field. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/** Carries a timestamp fraction of a second or more into the seconds (bad files write them). */
export function normaliseTime(rec: { tsSec: number; tsNsec: number }): boolean {
  if (rec.tsNsec < 1_000_000_000) return false;
  rec.tsSec += Math.floor(rec.tsNsec / 1_000_000_000);
  rec.tsNsec %= 1_000_000_000;
  return true;
}
