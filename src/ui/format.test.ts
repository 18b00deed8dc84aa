import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatTimeNs } from "./format";

describe("format", () => {
  it("prints ns timestamps with nine digits", () => {
    expect(formatTimeNs(1_795_308_709_143_997_000n)).toBe("2026-11-22T00:51:49.143997000Z");
  });
  it("prints sizes and durations", () => {
    expect(formatBytes(2_350_580)).toBe("2.24 MiB");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatDuration(3_287_992_000n)).toBe("3.288 s");
    expect(formatDuration(4_000_000_000_000n)).toBe("1 h 6 min 40 s");
  });
});
