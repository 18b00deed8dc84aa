import { describe, expect, it } from "vitest";
import { comparedPair, useCaptures, type CaptureEntry } from "./captures";
import type { CaptureSummary } from "../worker-api/capture-api";

function entry(id: number, status: CaptureEntry["status"], packets: number | null): CaptureEntry {
  const summary = packets === null ? undefined : ({ packets } as CaptureSummary);
  return { id, fileName: `f${id}`, fileBytes: 1, pointName: "", status, progress: { bytesRead: 0, packets: 0 }, summary };
}

describe("captures store", () => {
  it("compares the first two captures with packets, in path order", () => {
    const list = [entry(1, "failed", null), entry(2, "ready", 0), entry(3, "cancelled", 10), entry(4, "reading", null), entry(5, "ready", 7)];
    expect(comparedPair(list)?.map((e) => e.id)).toEqual([3, 5]);
    expect(comparedPair(list.slice(0, 4))).toBeNull();
  });

  it("moves, swaps and renames captures", () => {
    const s = useCaptures.getState();
    for (const id of [1, 2, 3]) s.add(entry(id, "ready", 1));
    s.move(3, -2);
    expect(useCaptures.getState().entries.map((e) => e.id)).toEqual([3, 1, 2]);
    s.move(3, -1);
    expect(useCaptures.getState().entries.map((e) => e.id)).toEqual([3, 1, 2]);
    s.swap(3, 2);
    expect(useCaptures.getState().entries.map((e) => e.id)).toEqual([2, 1, 3]);
    s.rename(1, "NAT outside");
    expect(useCaptures.getState().entries[1].pointName).toBe("NAT outside");
    s.remove(2);
    expect(useCaptures.getState().entries.map((e) => e.id)).toEqual([1, 3]);
  });
});
