// Read buffers a ByteSource got back through release(), kept for its later reads: reading
// into memory already in use, instead of new memory per slice, spares the first touches of
// that memory and the collections that external memory drives.

/** The reader holds at most four slices (source-cursor.ts): that many released ones are kept. */
const KEPT = 4;

export class SpareBuffers {
  private readonly kept: ArrayBuffer[] = [];

  /** A kept buffer of at least `length` bytes, or a new one from `allocate`. */
  take(length: number, allocate: (length: number) => ArrayBuffer): ArrayBuffer {
    const at = this.kept.findIndex((b) => b.byteLength >= length);
    return at >= 0 ? this.kept.splice(at, 1)[0] : allocate(length);
  }

  /** Keeps the memory behind `bytes` (nothing views it any more) unless enough are kept already; a detached buffer is not kept. */
  give(bytes: Uint8Array): void {
    const memory = bytes.buffer as ArrayBuffer;
    if (this.kept.length < KEPT && memory.byteLength > 0 && !this.kept.includes(memory)) this.kept.push(memory);
  }

  clear(): void {
    this.kept.length = 0;
  }
}
