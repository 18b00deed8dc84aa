// Decompresses "Plain LZ77" (LZXpress) data, as ETW writes compressed ETL buffers.
// Spec: [MS-XCA] 2.3-2.4, https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-xca/

export class DecompressError extends Error {}

/**
 * Expands `input`; stops at its end. `maxOutput` bounds the result so that corrupt input cannot
 * make it grow without limit (ETW buffers decompress to at most their buffer size).
 */
export function lzxpressDecompress(input: Uint8Array, maxOutput: number): Uint8Array {
  let out = new Uint8Array(Math.min(maxOutput, Math.max(1024, input.length * 4)));
  let outPos = 0;
  let inPos = 0;
  let flags = 0;
  let flagCount = 0;
  /** Where a shared length nibble was read: its high half serves the next long match. */
  let halfByteAt = 0;
  const ensure = (extra: number) => {
    if (outPos + extra > maxOutput) throw new DecompressError(`output exceeds ${maxOutput} bytes`);
    if (outPos + extra <= out.length) return;
    const grown = new Uint8Array(Math.min(maxOutput, Math.max(out.length * 2, outPos + extra)));
    grown.set(out.subarray(0, outPos));
    out = grown;
  };
  const need = (n: number) => {
    if (inPos + n > input.length) throw new DecompressError(`input ends inside a match at byte ${inPos}`);
  };

  for (;;) {
    if (flagCount === 0) {
      if (inPos + 4 > input.length) break;
      flags = (input[inPos] | (input[inPos + 1] << 8) | (input[inPos + 2] << 16) | (input[inPos + 3] << 24)) >>> 0;
      inPos += 4;
      flagCount = 32;
    }
    flagCount--;
    if ((flags & (1 << flagCount)) === 0) {
      if (inPos >= input.length) break;
      ensure(1);
      out[outPos++] = input[inPos++];
      continue;
    }
    if (inPos >= input.length) break;
    need(2);
    const matchBytes = input[inPos] | (input[inPos + 1] << 8);
    inPos += 2;
    let length = matchBytes & 7;
    const distance = (matchBytes >>> 3) + 1;
    if (length === 7) {
      if (halfByteAt === 0) {
        need(1);
        length = input[inPos] & 15;
        halfByteAt = inPos++;
      } else {
        length = input[halfByteAt] >>> 4;
        halfByteAt = 0;
      }
      if (length === 15) {
        need(1);
        length = input[inPos++];
        if (length === 255) {
          need(2);
          length = input[inPos] | (input[inPos + 1] << 8);
          inPos += 2;
          if (length === 0) {
            need(4);
            length = (input[inPos] | (input[inPos + 1] << 8) | (input[inPos + 2] << 16) | (input[inPos + 3] << 24)) >>> 0;
            inPos += 4;
          }
          if (length < 15 + 7) throw new DecompressError(`bad match length at byte ${inPos}`);
          length -= 15 + 7;
        }
        length += 15;
      }
      length += 7;
    }
    length += 3;
    if (distance > outPos) throw new DecompressError(`match reaches before the start of the output at byte ${inPos}`);
    ensure(length);
    // Byte by byte: a match may overlap the bytes it produces (distance < length repeats them).
    for (let i = 0; i < length; i++, outPos++) out[outPos] = out[outPos - distance];
  }
  return out.subarray(0, outPos);
}
