// A ByteSource over a file on disk (Node): reads the requested range with positioned reads.

import { open } from "node:fs/promises";
import { SpareBuffers } from "../core/formats/spare-buffers";
import type { ByteSource } from "../core/formats/types";

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

export async function openFileSource(path: string): Promise<FileSource> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  // Reusing released slices instead of allocating 1 GB of fresh buffers per GB read cut the
  // read + decode CPU time of the 1 GB bench pcap by 15-25% (fewer GCs driven by external memory).
  const spare = new SpareBuffers();
  // Unzeroed memory (every byte is overwritten or cut off below), in its own ArrayBuffer.
  const fresh = (length: number) => Buffer.allocUnsafeSlow(length).buffer as ArrayBuffer;
  return {
    name: path,
    size,
    async read(offset, length) {
      const want = Math.max(0, Math.min(length, size - offset));
      // A plain Uint8Array view so consumers get Uint8Array semantics (Buffer.slice would not copy).
      const buf = new Uint8Array(spare.take(want, fresh), 0, want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(buf, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === want ? buf : buf.subarray(0, got);
    },
    release: (bytes) => spare.give(bytes),
    close: () => {
      spare.clear();
      return handle.close();
    },
  };
}
