// The pcapng writer round-trips through the reader: times to the ns, comments, flags, interfaces.
// (Its byte layout is checked by tshark through the fixtures it writes: see capinfos.test.ts.)
import { describe, expect, it } from "vitest";
import { openCapture } from "./index";
import { memorySource } from "./memory-source";
import { writePcapng } from "./pcapng-writer";
import type { CaptureInterfaceInfo, PacketRecord } from "./types";

describe("writePcapng", () => {
  it("round-trips packets, comments, flags and interfaces in both byte orders", async () => {
    const packets = [
      { tsSec: 1_700_000_000, tsNsec: 999_999_999, data: Uint8Array.of(1, 2, 3), comments: ["a", "ünïcode"], epbFlags: 2 },
      { interfaceId: 1, tsSec: 1_700_000_001, tsNsec: 5, data: new Uint8Array(61).fill(9), originalLength: 1500 },
    ];
    for (const bigEndian of [false, true]) {
      const bytes = writePcapng(packets, {
        interfaces: [{ linkType: 1, name: "eth0" }, { linkType: 276, snaplen: 61, fcsLength: 0 }],
        bigEndian,
        sectionComment: "hello",
      });
      const got: Partial<PacketRecord>[] = [];
      const interfaces: CaptureInterfaceInfo[] = [];
      const summary = await openCapture(memorySource(bytes), {
        addInterface: (id, info) => (interfaces[id] = info),
        record: (r) => got.push({ ...r, data: r.data.slice() }),
        error: () => {},
      });
      expect(summary.errors).toEqual([]);
      expect(summary.notes).toContain("section 1 comment: hello");
      expect(interfaces.map((i) => [i.linkType, i.snaplen, i.name, i.tsResolution])).toEqual([
        [1, 262144, "eth0", "ns"],
        [276, 61, undefined, "ns"],
      ]);
      expect(got.map((r) => [r.interfaceId, r.tsSec, r.tsNsec, r.originalLength, [...r.data!], r.meta])).toEqual([
        [0, 1_700_000_000, 999_999_999, 3, [1, 2, 3], { comments: ["a", "ünïcode"], epbFlags: 2 }],
        [1, 1_700_000_001, 5, 1500, new Array(61).fill(9), undefined],
      ]);
    }
  });
});
