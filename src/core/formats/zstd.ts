// Zstandard-compressed captures (RFC 8878), decompressed as a stream with fzstd.
// Detected by the frame magic 28 b5 2f fd, as Wireshark does.

import { Decompress } from "fzstd";
import { decompressedSource, type DecompressedSource } from "./stream-source";
import type { ByteSource } from "./types";

export function isZstd(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd;
}

export function unzstdSource(raw: ByteSource): DecompressedSource {
  return decompressedSource(raw, "zstd", (ondata) => new Decompress((chunk) => ondata(chunk)));
}
