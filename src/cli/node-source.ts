// A ByteSource over a file on disk (Node): reads the requested range with positioned reads.

import { open } from "node:fs/promises";
import type { ByteSource } from "../core/formats/types";

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

export async function openFileSource(path: string): Promise<FileSource> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  return {
    name: path,
    size,
    async read(offset, length) {
      const want = Math.max(0, Math.min(length, size - offset));
      // Unzeroed memory (every byte is overwritten or cut off below); a plain Uint8Array view so
      // consumers get Uint8Array semantics (Buffer.slice would not copy).
      const pooled = Buffer.allocUnsafeSlow(want);
      const buf = new Uint8Array(pooled.buffer, pooled.byteOffset, want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(buf, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === want ? buf : buf.subarray(0, got);
    },
    close: () => handle.close(),
  };
}
