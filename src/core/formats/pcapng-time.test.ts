// The fast 16-bit long division against plain BigInt arithmetic, over every resolution form.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ticksToTime, timeScale } from "./pcapng-time";

function reference(hi: number, lo: number, tsresol: number, offset: number): [number, number] {
  const exp = BigInt(tsresol & 0x7f);
  const unit = tsresol & 0x80 ? 1n << exp : 10n ** exp;
  const ticks = (BigInt(hi) << 32n) + BigInt(lo);
  return [Number(ticks / unit) + offset, Number(((ticks % unit) * 1_000_000_000n) / unit)];
}

describe("pcapng timestamps", () => {
  it("are exact to the nanosecond for any tick count and resolution", () => {
    const tsresol = fc.oneof(fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0x80, max: 0x80 + 63 }));
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32, u32, tsresol, fc.integer({ min: -1e9, max: 1e9 }), (hi, lo, res, offset) => {
        const out = { tsSec: 0, tsNsec: 0 };
        ticksToTime(hi, lo, timeScale(res), offset, out);
        expect([out.tsSec, out.tsNsec]).toEqual(reference(hi, lo, res, offset));
      }),
      { numRuns: 20000 },
    );
  });

  it("handles the values where a rounded division lands on the next integer", () => {
    // 2^53 - 1 ns ticks and the last tick before a whole second at ns resolution.
    for (const [hi, lo] of [
      [0x1fffff, 0xffffffff],
      [0x17d78400 - 1, 0xffffffff],
      [232830643, 2313682943],
    ]) {
      for (const res of [6, 9, 0x80 | 30]) {
        const out = { tsSec: 0, tsNsec: 0 };
        ticksToTime(hi, lo, timeScale(res), 0, out);
        expect([out.tsSec, out.tsNsec]).toEqual(reference(hi, lo, res, 0));
      }
    }
  });

  it("labels resolutions as Wireshark counts their digits", () => {
    expect([timeScale(6).label, timeScale(6).digits]).toEqual(["us", 6]);
    expect([timeScale(9).label, timeScale(9).digits]).toEqual(["ns", 9]);
    expect([timeScale(0x8a).label, timeScale(0x8a).digits]).toEqual(["1/1024 s", 3]);
  });
});
