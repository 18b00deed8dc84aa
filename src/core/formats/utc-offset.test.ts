import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatUtcOffset, parseUtcOffset } from "./utc-offset";

describe("UTC offsets", () => {
  it("reads the usual ways of writing an offset as minutes east of UTC", () => {
    expect(parseUtcOffset("+05:30")).toBe(330);
    expect(parseUtcOffset("-08:00")).toBe(-480);
    expect(parseUtcOffset("+0545")).toBe(345);
    expect(parseUtcOffset("-03")).toBe(-180);
    expect(parseUtcOffset("\u221209:30")).toBe(-570);
    expect(parseUtcOffset(" +14:00 ")).toBe(840);
    expect(parseUtcOffset("-12:00")).toBe(-720);
    expect(parseUtcOffset("Z")).toBe(0);
    expect(parseUtcOffset("+00:00")).toBe(0);
  });

  it("refuses what is not an offset of a real zone", () => {
    for (const bad of ["", "5:30", "05:30", "+5:30", "+05:60", "+14:01", "-12:30", "+24:00", "UTC+1", "330", "+05:30:00", "+05-30"]) {
      expect(parseUtcOffset(bad), bad).toBeUndefined();
    }
  });

  it("formats every offset so that it reads back the same", () => {
    expect(formatUtcOffset(90)).toBe("+01:30");
    expect(formatUtcOffset(-480)).toBe("-08:00");
    expect(formatUtcOffset(0)).toBe("+00:00");
    fc.assert(fc.property(fc.integer({ min: -720, max: 840 }), (m) => parseUtcOffset(formatUtcOffset(m)) === m));
  });
});
