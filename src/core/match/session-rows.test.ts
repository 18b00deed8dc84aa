import { describe, expect, it } from "vitest";
import { querySessions, type SessionRow } from "./session-rows";

function row(id: number, protocol: string, owd: number | null, endpointsB: string | null): SessionRow {
  return {
    id,
    protocol,
    endpointsA: `10.0.0.${id}:1000 → 10.1.1.7:80`,
    endpointsB,
    flows: [id, endpointsB ? id : null],
    oneSided: endpointsB ? null : "entirely-lost",
    manual: false,
    packetsA: 10 - id,
    packetsB: 0,
    lostC2S: 0,
    lostS2C: 0,
    injected: 0,
    owdC2SMs: owd,
    owdS2CMs: null,
    rewrites: "",
    confidence: 1,
    problems: 0,
  };
}

const rows = [row(0, "tcp", 30, "b0"), row(1, "udp", null, null), row(2, "tcp", 10, "b2"), row(3, "icmp", 20, "b3")];

describe("querySessions", () => {
  it("sorts numbers both ways with empty values last", () => {
    expect(querySessions(rows, { sortBy: "owdC2SMs", descending: false, filter: "" })).toEqual([2, 3, 0, 1]);
    expect(querySessions(rows, { sortBy: "owdC2SMs", descending: true, filter: "" })).toEqual([0, 3, 2, 1]);
    expect(querySessions(rows, { sortBy: "endpointsB", descending: false, filter: "" })).toEqual([0, 2, 3, 1]);
  });
  it("filters on protocol, endpoints and one-sided reason, case-insensitively", () => {
    expect(querySessions(rows, { sortBy: "id", descending: false, filter: "TCP" })).toEqual([0, 2]);
    expect(querySessions(rows, { sortBy: "id", descending: false, filter: "10.0.0.3" })).toEqual([3]);
    expect(querySessions(rows, { sortBy: "id", descending: false, filter: "lost" })).toEqual([1]);
  });
});
