// The hot loop over L4 bytes: the Internet checksum sum (RFC 1071) and a 32-bit hash of the
// payload are computed in the same pass, sixteen bytes per step.
//
// The hash is written inline rather than taken from a library: the loop shares its 32-bit
// reads with the checksum, works on the capture's own buffer at any offset without copying,
// and must not allocate or call through per byte. It runs four independent multiply-rotate
// lanes (so the CPU overlaps them) and a MurmurHash3 finaliser; it only has to tell payloads
// apart, not resist an adversary.

import type { Frame } from "./frame";

/** Bytes with a DataView on their buffer: b[i] is at dv offset base + i (a Frame, a Dissection). */
export interface ByteView {
  readonly b: Uint8Array;
  readonly dv: DataView;
  readonly base: number;
}

/**
 * Sums b[start..stop) as little-endian 16-bit words. The one's-complement sum does not
 * depend on byte order (RFC 1071 §2(B)), so a correct checksum still folds to 0xffff;
 * `start` must be at an even distance from the start of the checksummed data.
 */
export function sumWords(f: ByteView, start: number, stop: number): number {
  const dv = f.dv;
  const at = f.base;
  let sum = 0;
  let i = start;
  for (const last = stop - 4; i <= last; i += 4) sum += dv.getUint32(at + i, true);
  if (i + 1 < stop) {
    sum += dv.getUint16(at + i, true);
    i += 2;
  }
  if (i < stop) sum += f.b[i];
  return sum;
}

/** True when a one's-complement sum over data that includes its checksum field is correct. */
export function checksumValid(sum: number): boolean {
  // Fold the carries back in: first the part above 32 bits (sums of 32-bit words can exceed
  // it), then twice at 16 bits. A correct sum folds to 0xffff ("negative zero").
  let folded = sum;
  while (folded > 0xffffffff) {
    const high = Math.floor(folded / 0x10000);
    folded = folded - high * 0x10000 + high;
  }
  folded = (folded & 0xffff) + (folded >>> 16);
  folded = (folded & 0xffff) + (folded >>> 16);
  return folded === 0xffff;
}

const P1 = 0x01000193;
const P2 = 0x5bd1e995;

/**
 * Writes the hash of b[start..stop) into the row's payloadHash (0 only when empty) and
 * returns the bytes' checksum sum (see sumWords). 32-bit words add into the sum as two
 * 16-bit words would: one's-complement addition folds carries back in (RFC 1071 §2(C)).
 * `start` must be at an even distance from the checksummed data's start, as for sumWords.
 */
export function hashPayload(f: Frame, start: number, stop: number): number {
  const dv = f.dv;
  const b = f.b;
  const at = f.base;
  let sum = 0;
  // `| 0` keeps the seeds (and so the loop's lanes) 32-bit integers, not doubles: 2x faster.
  let h1 = 0x9747b28c | 0;
  let h2 = 0x2545f491;
  let h3 = 0x68e31da4;
  let h4 = 0x1b873593;
  let i = start;
  for (const last = stop - 16; i <= last; i += 16) {
    const w1 = dv.getUint32(at + i, true);
    const w2 = dv.getUint32(at + i + 4, true);
    const w3 = dv.getUint32(at + i + 8, true);
    const w4 = dv.getUint32(at + i + 12, true);
    sum += w1 + w2 + (w3 + w4);
    h1 ^= w1;
    h1 = Math.imul((h1 << 13) | (h1 >>> 19), P1);
    h2 ^= w2;
    h2 = Math.imul((h2 << 17) | (h2 >>> 15), P2);
    h3 ^= w3;
    h3 = Math.imul((h3 << 11) | (h3 >>> 21), P1);
    h4 ^= w4;
    h4 = Math.imul((h4 << 19) | (h4 >>> 13), P2);
  }
  for (const last = stop - 4; i <= last; i += 4) {
    const w = dv.getUint32(at + i, true);
    sum += w;
    h1 ^= w;
    h1 = Math.imul((h1 << 13) | (h1 >>> 19), P1);
  }
  for (; i < stop; i++) {
    // Byte i sits in the low half of its 16-bit word when at an even distance from start.
    sum += (i - start) & 1 ? b[i] << 8 : b[i];
    h1 = Math.imul(h1 ^ b[i], P1);
  }
  const length = stop - start;
  let h = h1 ^ Math.imul(h2, 0x85ebca6b) ^ Math.imul(h3, 0xc2b2ae35) ^ Math.imul(h4, 0x27d4eb2f) ^ length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  f.c.payloadHash[f.r] = length <= 0 ? 0 : h >>> 0 || 1;
  return sum;
}
