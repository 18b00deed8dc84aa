// Re-reads the bytes of given frames from the capture File (the tables keep only offsets):
// one pass of the core reader, stopped as soon as the last wanted frame went by, so
// every format and compression the reader knows works, and nothing else stays in memory.
import { openCapture } from "../core/formats/index";
import type { ByteSource } from "../core/formats/types";

export async function readFrames(source: ByteSource, frames: number[]): Promise<Map<number, Uint8Array>> {
  const wanted = new Set(frames);
  const last = Math.max(0, ...frames);
  const found = new Map<number, Uint8Array>();
  const stop = new AbortController();
  let frame = 0;
  try {
    await openCapture(
      source,
      {
        addInterface: () => {},
        record: (rec) => {
          frame++;
          if (wanted.has(frame)) found.set(frame, rec.data.slice());
          if (frame >= last) stop.abort();
        },
        error: () => {},
      },
      { signal: stop.signal },
    );
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  }
  return found;
}
