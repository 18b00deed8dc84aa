// The cursor hands slices back to a source that reuses their memory (ByteSource.release):
// a slice is released only once nothing reads it any more, so readers still see every
// record's bytes intact, and each slice is released once.

import { describe, expect, it } from "vitest";
import { openCapture } from "./index";
import { writePcap } from "./pcap-writer";
import { writePcapng } from "./pcapng-writer";
import type { ByteSource, PacketRecord } from "./types";

/** Packet i: 1 to 300 bytes, each byte derived from i, so a byte from another packet shows. */
function packet(i: number): Uint8Array {
  const data = new Uint8Array(1 + ((i * 37) % 300));
  for (let k = 0; k < data.length; k++) data[k] = (i * 7 + k) & 0xff;
  return data;
}

const PACKETS = Array.from({ length: 2000 }, (_, i) => ({ tsSec: 1_700_000_000 + i, tsNsec: i * 1000, data: packet(i) }));

/**
 * A source over `file` that reads into released buffers (as the Node file source does) and
 * overwrites a released slice at once, so a view used after its release reads garbage.
 */
function recyclingSource(file: Uint8Array): ByteSource & { released: number; doubleReleases: number } {
  const spare: ArrayBuffer[] = [];
  const handedOut = new Set<ArrayBuffer>();
  const source = {
    name: "recycled",
    size: file.length,
    released: 0,
    doubleReleases: 0,
    async read(offset: number, length: number) {
      const want = Math.max(0, Math.min(length, file.length - offset));
      const at = spare.findIndex((b) => b.byteLength >= want);
      const buffer = at >= 0 ? spare.splice(at, 1)[0] : new ArrayBuffer(want);
      handedOut.add(buffer);
      const bytes = new Uint8Array(buffer, 0, want);
      bytes.set(file.subarray(offset, offset + want));
      return bytes;
    },
    release(bytes: Uint8Array) {
      const buffer = bytes.buffer as ArrayBuffer;
      if (!handedOut.delete(buffer)) {
        source.doubleReleases++;
        return;
      }
      new Uint8Array(buffer).fill(0xee);
      spare.push(buffer);
      source.released++;
    },
  };
  return source;
}

async function recordsOf(source: ByteSource, sliceBytes: number): Promise<{ tsSec: number; data: number[] }[]> {
  const records: { tsSec: number; data: number[] }[] = [];
  await openCapture(
    source,
    { addInterface: () => {}, error: (e) => records.push({ tsSec: -1, data: [e.offset] }), record: (rec: PacketRecord) => records.push({ tsSec: rec.tsSec, data: [...rec.data] }) },
    { sliceBytes },
  );
  return records;
}

describe("SourceCursor with a source that reuses released slices", () => {
  const files = {
    pcap: writePcap(PACKETS, { linkType: 1, nanoseconds: true }),
    pcapng: writePcapng(PACKETS, { linkType: 1 }),
  };
  const expected = PACKETS.map((p) => ({ tsSec: p.tsSec, data: [...p.data] }));

  for (const [format, file] of Object.entries(files)) {
    // Slices smaller than some records (bridges), about one record, and many records.
    for (const sliceBytes of [64, 331, 4096, 65536]) {
      it(`reads every ${format} record intact with ${sliceBytes}-byte slices, releasing each slice once`, async () => {
        const source = recyclingSource(file);
        expect(await recordsOf(source, sliceBytes)).toEqual(expected);
        expect(source.doubleReleases).toBe(0);
        expect(source.released).toBeGreaterThan(Math.floor(file.length / sliceBytes) - 3);
      });
    }
  }
});
