// A ByteSource over a Blob (the browser's File): slices are read on demand, so a 2 GB
// capture never has to be in memory at once.
import type { ByteSource } from "../core/formats/types";

export function blobSource(blob: Blob, name: string): ByteSource {
  return {
    name,
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}
