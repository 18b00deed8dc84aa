// S9 on the generated NDP fixture (fixtures/decode/ndp-s9.pcap; tshark's reading of it is in
// fixtures/expected/decode/ndp-s9.pcap.tsv: frame 2 is an RA, frame 4 an NA with only "ovr").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memorySource } from "../formats/memory-source";
import { readPacketTable } from "../model/packet-table-builder";
import { routerWithdrawals } from "./router-withdrawal";

const fixture = join(__dirname, "../../../fixtures/decode/ndp-s9.pcap");

async function table() {
  return readPacketTable(memorySource(new Uint8Array(readFileSync(fixture)), "ndp-s9.pcap"));
}

describe("routerWithdrawals (S9)", () => {
  it("flags the RA with lifetime 0 and the NA for the router with R clear, naming capture and frame", async () => {
    const findings = routerWithdrawals(await table(), 1);
    expect(findings.map((f) => f.title)).toEqual([
      "IPv6 router fe80::1 withdrew itself as default router (router lifetime 0)",
      "IPv6 router fe80::1 advertised without the Router flag",
    ]);
    expect(findings[0].text).toContain("capture B, frame 2)");
    expect(findings[1].text).toContain("capture B, frame 4)");
    expect(findings.every((f) => f.severity === "problem" && f.code === "ipv6-router-withdrawn")).toBe(true);
  });

  it("says nothing about an NA with R clear for an address never seen as a router", async () => {
    const t = await table();
    for (const row of [...t.sparse.ndp.keys()]) {
      const ndp = t.sparse.ndp.get(row)!;
      if (ndp.kind === "router-advertisement") t.sparse.ndp.delete(row);
      else if (ndp.router) t.sparse.ndp.delete(row);
    }
    expect(routerWithdrawals(t, 0)).toEqual([]);
  });
});

describe("diffCaptures raises S9 from either capture", () => {
  it("lists the withdrawal among the diff's findings, naming the capture it was seen in", async () => {
    const { diffCaptures } = await import("../match/diff");
    const ndp = await table();
    const result = diffCaptures(ndp, ndp);
    const s9 = result.findings.filter((f) => f.code === "ipv6-router-withdrawn");
    expect(s9.map((f) => f.text.match(/capture (\w), frame (\d+)/)!.slice(1))).toEqual([
      ["A", "2"],
      ["A", "4"],
      ["B", "2"],
      ["B", "4"],
    ]);
  });
});
