// Info lines against tshark's Info column: absolute numbers on every TCP row of the real
// captures, relative sequence numbers on three TCP conversations.

import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { haveSharedCaptures, sharedCaptures } from "../../testing/shared-captures";
import { infoLine, protocolName, tcpContext } from "./info";
import { filesEnding as files, hasInnerGolden, packetsOnly, readGolden, tableOf, tsharkGoldenDir as goldenDir } from "../../testing/tshark-golden";

/**
 * What tshark adds that a per-packet decoder cannot know: its reassembly notes (and the
 * application summaries glued after them) and reassembly errors.
 */
function withoutReassembly(info: string): string {
  return info.replace(/ ?\[TCP segment of a reassembled PDU\].*$/, "").replace(/\[Reassembly error.*$/, "");
}

describe.skipIf(!haveSharedCaptures)("Info of TCP packets matches tshark (raw sequence numbers)", () => {
  for (const golden of haveSharedCaptures ? files(goldenDir, ".tsv").filter((f) => !f.endsWith(".inner.tsv")) : []) {
    const capture = relative(goldenDir, golden).replace(/\.tsv$/, "");
    const rows = packetsOnly(readGolden(golden));
    if (!rows.some((g) => g["_ws.col.Protocol"] === "TCP") || hasInnerGolden(golden)) continue;
    it(capture, async () => {
      const table = await tableOf(join(sharedCaptures, capture));
      const tcp = tcpContext(table);
      const diffs: string[] = [];
      rows.forEach((g, row) => {
        // Rows whose Info tshark took from an application protocol (out-of-order HTTP...) are skipped.
        if (g["_ws.col.Protocol"] !== "TCP" || !/^\d+ → \d+ \[/.test(g["_ws.col.Info"])) return;
        const ours = infoLine(table, row, { tcp });
        const theirs = withoutReassembly(g["_ws.col.Info"]);
        if (ours !== theirs) diffs.push(`frame ${row + 1}: ours "${ours}", tshark "${theirs}"`);
      });
      expect(diffs.slice(0, 10)).toEqual([]);
    });
  }
});

/** The relative numbers in an Info line: Seq, Ack and SACK edges. */
function relativeNumbers(info: string): string {
  return [...info.matchAll(/\b(Seq|Ack|SLE|SRE)=(\d+)/g)].map((m) => `${m[1]}=${m[2]}`).join(" ");
}

describe.skipIf(!haveSharedCaptures)("relative sequence numbers match tshark's", () => {
  for (const golden of haveSharedCaptures ? files(goldenDir, ".info-relative.txt") : []) {
    const capture = relative(goldenDir, golden).replace(/\.info-relative\.txt$/, "");
    it(capture, async () => {
      const table = await tableOf(join(sharedCaptures, capture));
      const tcp = tcpContext(table);
      const diffs: string[] = [];
      for (const g of readGolden(golden)) {
        if (g["_ws.col.Protocol"] !== "TCP") continue;
        const row = Number(g["frame.number"]) - 1;
        const ours = relativeNumbers(infoLine(table, row, { tcp, relative: true }));
        const theirs = relativeNumbers(g["_ws.col.Info"]);
        if (ours !== theirs) diffs.push(`frame ${row + 1}: ours "${ours}", tshark "${theirs}"`);
      }
      expect(diffs.slice(0, 10)).toEqual([]);
    });
  }
});

describe.skipIf(!haveSharedCaptures)("protocol column", () => {
  it("names TCP, UDP, ICMP, DNS and ARP rows of a real capture as documented", async () => {
    const table = await tableOf(join(sharedCaptures, "pairs/kurose-nat-v1/NAT_home_side.pcap"));
    const names = new Set(Array.from({ length: table.count }, (_, row) => protocolName(table, row)));
    expect([...names].sort()).toEqual(expect.arrayContaining(["ARP", "DNS", "HTTP", "TCP"]));
  });
});

it("tshark's golden files are where the tests look", () => {
  expect(readFileSync(join(goldenDir, "../make-tshark.sh"), "utf8")).toContain("tshark");
});
