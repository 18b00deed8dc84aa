// Every packet of every real capture in ../shared/captures/{formats,links,tunnels,pairs,lab}
// against tshark's per-packet fields (fixtures/expected/tshark, made by make-tshark.sh).

import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PacketFlag } from "../model/packet-table";
import { haveSharedCaptures, sharedCaptures } from "../../testing/shared-captures";
import { compareRow, filesEnding, hasInnerGolden, packetsOnly, readGolden, tableOf, tsharkGoldenDir } from "../../testing/tshark-golden";

const goldenDir = tsharkGoldenDir;

describe.skipIf(!haveSharedCaptures)("decoded columns agree with tshark on every real capture", () => {
  for (const golden of haveSharedCaptures ? filesEnding(goldenDir, ".tsv").filter((g) => !g.endsWith(".inner.tsv") && !hasInnerGolden(g)) : []) {
    const capture = relative(goldenDir, golden).replace(/\.tsv$/, "");
    it(capture, async () => {
      const rows = packetsOnly(readGolden(golden));
      const table = await tableOf(join(sharedCaptures, capture));
      expect(table.count).toBe(rows.length);
      const diffs = rows.flatMap((g, i) => compareRow(table, i, g));
      expect(diffs.slice(0, 20)).toEqual([]);
    });
  }

  it("tunnels/bigtcp-ipv4-vxlan-ipv4.pcap inner packet (tshark on the frame without its outer headers)", async () => {
    const [g] = readGolden(join(goldenDir, "tunnels/bigtcp-ipv4-vxlan-ipv4.pcap.inner.tsv"));
    const table = await tableOf(join(sharedCaptures, "tunnels/bigtcp-ipv4-vxlan-ipv4.pcap"));
    // editcap -C keeps the frame's original length, so tshark's presumed TSO length (and
    // tcp.len) still counts the 50 cut bytes.
    const cut = 50;
    const inner = { ...g, "tcp.len": String(Number(g["tcp.len"]) - cut), "frame.len": String(Number(g["frame.len"]) - cut) };
    const diffs = compareRow(table, 0, inner).filter((d) => !/frame\.(len|cap_len)/.test(d));
    expect(diffs).toEqual([]);
    expect(table.columns.flags[0] & PacketFlag.TUNNELED).toBe(PacketFlag.TUNNELED);
    expect(table.columns.flags[0] & PacketFlag.TSO_LENGTH_ZERO).toBe(PacketFlag.TSO_LENGTH_ZERO);
    expect(table.sparse.tunnel.get(0)).toBe("VXLAN VNI 5001, 10.25.132.11 → 10.25.132.13");
  });
});
