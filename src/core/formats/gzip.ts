// gzip-compressed captures (RFC 1952), concatenated members included, decompressed as a
// stream with fflate. Detected by the magic bytes 1f 8b, as Wireshark does.

import { Gunzip } from "fflate";
import { decompressedSource, type DecompressedSource } from "./stream-source";
import type { ByteSource } from "./types";

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export function gunzipSource(raw: ByteSource): DecompressedSource {
  return decompressedSource(raw, "gzip", (ondata) => new Gunzip((chunk) => ondata(chunk)));
}
