// Reads a ByteSource front to back in slices (with reads ahead, so the source's I/O overlaps
// the parsing) and keeps a window over the current slice.
// A record cut by a slice boundary is joined in a small "bridge" buffer (its own bytes only),
// so slices are never copied whole. A slice the window has moved past is handed back to the
// source (ByteSource.release), so its memory can take a later read: records' bytes are only
// valid during the sink's record call (PacketRecord).

import type { ByteSource, PacketMeta, PacketRecord, ReadOptions } from "./types";

/**
 * Big enough that the per-slice await cost vanishes (256 reads per GB). Measured in CPU time on
 * a 1 GB pcap, 1-4 MiB slices cost 25-30% less than 32 MiB ones: buffers this size are reused
 * by the allocator instead of being mapped (and page-faulted in) afresh for every read, and
 * the slice stays in cache from the record parse to the payload hash.
 */
export const SLICE_BYTES = 4 * 1024 * 1024;
/** Decompressed streams arrive in pieces of about this size: asking for more would only add copies. */
const STREAM_SLICE_BYTES = 1024 * 1024;
/**
 * Reads in flight besides the slice being parsed. A browser File answers each read after a
 * round trip to the browser process: with 4 MiB slices, one read ahead reached ~70% of the
 * throughput of 32 MiB slices in Chromium, two reached all of it. Forward-only sources take
 * one read at a time.
 */
export const READ_AHEAD = 2;

export class SourceCursor {
  /** The bytes of the current window; `pos` indexes into it. */
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(this.bytes.buffer);
  /** Read position inside `bytes`. */
  pos = 0;
  /** Stream offset of bytes[0]. */
  base = 0;

  /** Stream offset just past the last byte read from the source. */
  bytesRead = 0;
  /** Slice bytes read from the source that follow the window (after a bridge). */
  private next: Uint8Array | undefined;
  /** The slices, as read() returned them, that `bytes` and `next` view (none for a bridge): released once no view is left. */
  private windowSlice: Uint8Array | undefined;
  private nextSlice: Uint8Array | undefined;
  /** The slices after `next`, in order, requested early so the source reads while the reader parses. */
  private ahead: { start: number; want: number; promise: Promise<Uint8Array> }[] = [];
  /** The source has nothing after `next` (or after the window when there is no `next`). */
  private eof = false;
  private readonly sliceBytes: number;
  private readonly readAhead: number;

  constructor(
    private readonly source: ByteSource,
    private readonly opts: ReadOptions,
  ) {
    this.sliceBytes = opts.sliceBytes ?? (source.forwardOnly ? STREAM_SLICE_BYTES : SLICE_BYTES);
    this.readAhead = source.forwardOnly ? 1 : READ_AHEAD;
  }

  /** Stream offset of the read position. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes available from the read position without reading more. */
  get available(): number {
    return this.bytes.length - this.pos;
  }

  private request(start: number, want: number): Promise<Uint8Array> {
    const promise = this.source.read(start, want);
    // A read-ahead nobody awaits (the reader stopped at an error) must not be an unhandled rejection.
    promise.catch(() => {});
    return promise;
  }

  /** Moves the window to `bytes` (a view of source slice `slice`, or a bridge), releasing the slice it leaves. */
  private setWindow(bytes: Uint8Array, base: number, slice: Uint8Array | undefined) {
    if (this.windowSlice !== undefined && this.windowSlice !== slice) this.source.release?.(this.windowSlice);
    this.windowSlice = slice;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.base = base;
    this.pos = 0;
  }

  /**
   * Makes at least `need` bytes available from the read position, reading further slices as
   * required. Resolves false when the data ends first (then `available` is what is left).
   * Rejects only when `opts.signal` is aborted.
   */
  async fill(need: number, packets: number): Promise<boolean> {
    while (this.available < need) {
      if (!this.next) {
        if (this.eof) return false;
        this.opts.signal?.throwIfAborted();
        // The window's slice can take the read issued below: what is left of it (the start of a
        // record) is copied out first. One slice fewer is held (the peak while reading).
        if (this.windowSlice !== undefined) this.setWindow(this.bytes.slice(this.pos), this.offset, undefined);
        const start = this.base + this.bytes.length;
        const ahead = this.ahead.shift();
        const want = ahead ? ahead.want : Math.max(this.sliceBytes, need - this.available);
        const chunk = await (ahead ? ahead.promise : this.request(start, want));
        this.next = this.nextSlice = chunk;
        if (chunk.length < want) {
          this.eof = true;
          this.ahead.length = 0;
        } else {
          // A forward-only source is asked for the next piece only once it has delivered this one.
          let from = this.ahead.length > 0 ? this.ahead[this.ahead.length - 1].start + this.sliceBytes : start + chunk.length;
          for (; this.ahead.length < this.readAhead; from += this.sliceBytes) this.ahead.push({ start: from, want: this.sliceBytes, promise: this.request(from, this.sliceBytes) });
        }
        this.bytesRead = start + chunk.length;
        this.opts.onProgress?.(this.bytesRead, packets);
      }
      const next = this.next;
      const nextBase = this.base + this.bytes.length;
      const carried = this.available;
      const nextSlice = this.nextSlice;
      if (carried === 0) {
        this.next = this.nextSlice = undefined;
        this.setWindow(next, nextBase, nextSlice);
        continue;
      }
      // Bridge: the carried bytes plus just enough of the next slice to make `need`.
      const take = Math.min(need - carried, next.length);
      const bridge = new Uint8Array(carried + take);
      bridge.set(this.bytes.subarray(this.pos));
      bridge.set(next.subarray(0, take), carried);
      this.next = take < next.length ? next.subarray(take) : undefined;
      this.setWindow(bridge, this.base + this.pos, undefined);
      if (this.next === undefined) {
        // All of the next slice went into the bridge.
        this.nextSlice = undefined;
        if (nextSlice !== undefined) this.source.release?.(nextSlice);
      }
      // The bytes after the bridge continue at stream offset nextBase + take = base + bridge.length.
    }
    return true;
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

/**
 * The one record a reader fills again for every packet (sinks may not keep it). The reader
 * sets `window` and `dataStart`; `data` is made only for a sink that asks for it (a view per
 * packet cost ~5% of the read + decode time of a pcap).
 */
export class ReusableRecord implements PacketRecord {
  interfaceId = 0;
  tsSec = 0;
  tsNsec = 0;
  capturedLength = 0;
  originalLength = 0;
  fileOffset = 0;
  meta: PacketMeta | undefined = undefined;
  window: Uint8Array = new Uint8Array(0);
  dataStart = 0;

  get data(): Uint8Array {
    return this.window.subarray(this.dataStart, this.dataStart + this.capturedLength);
  }
}
