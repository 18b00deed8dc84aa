// The hot loop over L4 bytes: the Internet checksum sum (RFC 1071) and a 32-bit hash of the
// payload are computed in the same pass, four bytes per step.
//
// The hash is MurmurHash3 (x86, 32-bit) written inline rather than taken from a library:
// the loop shares its 32-bit reads with the checksum, works on the capture's own buffer at
// any offset without copying, and must not allocate or call through per byte.

import type { Frame } from "./frame";

/**
 * Sums b[start..stop) as little-endian 16-bit words. The one's-complement sum does not
 * depend on byte order (RFC 1071 §2(B)), so a correct checksum still folds to 0xffff;
 * `start` must be at an even distance from the start of the checksummed data.
 */
export function sumWords(f: Frame, start: number, stop: number): number {
  const b = f.b;
  let sum = 0;
  let i = start;
  for (; i + 1 < stop; i += 2) sum += b[i] | (b[i + 1] << 8);
  if (i < stop) sum += b[i];
  return sum;
}

/** True when a one's-complement sum over data that includes its checksum field is correct. */
export function checksumValid(sum: number): boolean {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum === 0xffff;
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/**
 * Writes the hash of b[start..stop) into the row's payloadHash (0 only when empty) and
 * returns the bytes' checksum sum (see sumWords).
 */
export function hashPayload(f: Frame, start: number, stop: number): number {
  const dv = f.dv;
  const b = f.b;
  const at = f.base;
  let sum = 0;
  let h = 0;
  let i = start;
  for (const last = stop - 4; i <= last; i += 4) {
    const w = dv.getUint32(at + i, true);
    sum += (w & 0xffff) + (w >>> 16);
    let k = Math.imul(w, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = stop - i;
  if (rest > 0) {
    let k = b[i];
    if (rest > 1) k |= b[i + 1] << 8;
    if (rest > 2) k |= b[i + 2] << 16;
    sum += (k & 0xffff) + (k >>> 16);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  const length = stop - start;
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  f.c.payloadHash[f.r] = length <= 0 ? 0 : h >>> 0 || 1;
  return sum;
}
