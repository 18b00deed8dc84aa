// The hot loop's checksum sum and payload hash against plain reference implementations.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocateColumns } from "../model/column-spec";
import { emptySparseFacts } from "../model/packet-table-builder";
import { AddressInterner } from "./addresses";
import { Frame } from "./frame";
import { checksumValid, hashPayload, sumWords } from "./payload";

function frameOver(bytes: Uint8Array): Frame {
  const f = new Frame(allocateColumns(1), new AddressInterner(), emptySparseFacts());
  f.load(bytes, 0, 0);
  return f;
}

/** RFC 1071, the textbook way: 16-bit big-endian words, carries folded at the end. */
function referenceSum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

const swap = (v: number) => ((v & 0xff) << 8) | (v >> 8);

describe("payload hash and checksum sum", () => {
  it("sums like RFC 1071 (byte-swapped), for any length and offset", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(7), (data, shift) => {
        const buffer = new Uint8Array(data.length + 8);
        buffer.set(data, shift);
        const f = frameOver(buffer);
        const expected = referenceSum(data);
        expect(swap(fold(hashPayload(f, shift, shift + data.length)))).toBe(expected === 0 && data.length > 0 ? 0 : expected);
        expect(swap(fold(sumWords(f, shift, shift + data.length)))).toBe(expected === 0 && data.length > 0 ? 0 : expected);
      }),
    );
  });

  it("a checksum computed by the reference validates", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 200 }), (data) => {
        const bytes = data.length & 1 ? new Uint8Array([...data, 0]) : data.slice();
        bytes[0] = bytes[1] = 0;
        const checksum = ~referenceSum(bytes) & 0xffff;
        bytes[0] = checksum >> 8;
        bytes[1] = checksum & 0xff;
        expect(checksumValid(sumWords(frameOver(bytes), 0, bytes.length))).toBe(true);
        bytes[bytes.length - 1] ^= 1;
        expect(checksumValid(sumWords(frameOver(bytes), 0, bytes.length))).toBe(false);
      }),
    );
  });

  it("folds sums of any size a frame can give (up to 2^48)", () => {
    for (const k of [1, 2, 0x10001, 2 ** 20 + 3, 2 ** 31 + 5, 2 ** 32 - 1]) {
      expect(checksumValid(0xffff * k)).toBe(true);
      expect(checksumValid(0xffff * k + 1)).toBe(false);
    }
    expect(checksumValid(0)).toBe(false);
  });

  it("hashes the bytes, not where they sit: same content, same hash at every alignment", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 1500 }), (data) => {
        const hashes = new Set<number>();
        for (let shift = 0; shift < 8; shift++) {
          const buffer = new Uint8Array(data.length + 16).fill(0xee);
          buffer.set(data, shift);
          const f = frameOver(buffer);
          hashPayload(f, shift, shift + data.length);
          hashes.add(f.c.payloadHash[0]);
        }
        expect(hashes.size).toBe(1);
        expect([...hashes][0]).not.toBe(0);
      }),
    );
  });

  it("changes with any one byte, with the length, and is 0 only for an empty payload", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 1500 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (data, at, flip) => {
        const hash = (bytes: Uint8Array) => {
          const f = frameOver(bytes);
          hashPayload(f, 0, bytes.length);
          return f.c.payloadHash[0];
        };
        const changed = data.slice();
        changed[at % data.length] ^= flip;
        expect(hash(changed)).not.toBe(hash(data));
        expect(hash(new Uint8Array([...data, 0]))).not.toBe(hash(data));
      }),
    );
    const f = frameOver(new Uint8Array(4));
    hashPayload(f, 2, 2);
    expect(f.c.payloadHash[0]).toBe(0);
  });
});
