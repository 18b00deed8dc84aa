// A ByteSource over bytes already in memory: tests, the demo, and the buffered copy of a
// decompressed file handed to readers that need random access.

import type { ByteSource } from "./types";

export function memorySource(bytes: Uint8Array, name = "memory"): ByteSource {
  return {
    name,
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length)),
  };
}
