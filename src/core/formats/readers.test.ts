// pcap and pcapng reader details the capinfos comparison does not show: interface facts,
// FCS lengths, exact error offsets and frame numbers, warnings, slice boundaries, abort.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCapture } from "./index";
import { memorySource } from "./memory-source";
import { pcapReader } from "./pcap";
import { pcapngReader } from "./pcapng";
import { writePcap } from "./pcap-writer";
import type { ByteSource, CaptureInterfaceInfo, ReadError, ReadOptions } from "./types";

const fixtures = join(__dirname, "../../../fixtures/formats");
const fixture = (name: string) => new Uint8Array(readFileSync(join(fixtures, name)));

async function read(bytes: Uint8Array, name = "test", opts: ReadOptions = {}) {
  const interfaces: CaptureInterfaceInfo[] = [];
  const errors: ReadError[] = [];
  const records: { id: number; sec: number; nsec: number; caplen: number; offset: number; data: number[] }[] = [];
  const summary = await openCapture(
    memorySource(bytes, name),
    {
      addInterface: (id, info) => (interfaces[id] = info),
      record: (r) =>
        records.push({ id: r.interfaceId, sec: r.tsSec, nsec: r.tsNsec, caplen: r.capturedLength, offset: r.fileOffset, data: [...r.data] }),
      error: (e) => errors.push(e),
    },
    opts,
  );
  return { summary, interfaces, errors, records };
}

describe("pcap", () => {
  it("reads Kuznetzov's modified libpcap in both byte orders: 24-byte record headers, frame bytes after them", async () => {
    for (const name of ["modified-le.pcap", "modified-be.pcap"]) {
      const { summary, interfaces, errors, records } = await read(fixture(name), name);
      expect([summary.format, errors]).toEqual(["pcap-modified", []]);
      expect(interfaces).toEqual([{ linkType: 1, fcsLength: 0, snaplen: 65535, tsResolution: "us", tsDigits: 6 }]);
      // Record k starts after the 24-byte file header and k records of 24 header bytes + data.
      expect(records.map((r) => r.offset)).toEqual([24, 128, 232, 306]);
      records.forEach((r, i) => {
        expect(r.data.slice(0, 6)).toEqual([2, 0, 0, 0, 0, 2]);
        expect(new TextDecoder().decode(Uint8Array.from(r.data.slice(42, 49)))).toBe(`frame ${i + 1}`);
      });
    }
  });

  it("reports a modified libpcap record header cut short, against its 24 bytes", async () => {
    const cut = fixture("modified-le.pcap").subarray(0, 306 + 20);
    const { records, errors } = await read(cut, "cut.pcap");
    expect(records).toHaveLength(3);
    expect(errors).toEqual([
      { file: "cut.pcap", offset: 306, frame: 4, fatal: true, message: "truncated record header (20 of 24 bytes at end of file)" },
    ]);
  });

  it("reads the FCS length from the link-type field's FCS bits (generator: F bit, 2 words)", async () => {
    const { interfaces, errors } = await read(fixture("fcs-bits.pcap"));
    expect(interfaces).toEqual([{ linkType: 1, fcsLength: 4, snaplen: 262144, tsResolution: "us", tsDigits: 6 }]);
    expect(errors).toEqual([]);
  });

  it("names the file, offset and frame of a truncated record (generator: frame 3 cut after 30 bytes)", async () => {
    const { summary, errors } = await read(fixture("truncated-record.pcap"), "cut.pcap");
    expect(summary.packets).toBe(2);
    expect(errors).toEqual([
      expect.objectContaining({ file: "cut.pcap", offset: 24 + 2 * 76, frame: 3, fatal: true }),
    ]);
    expect(errors[0].message).toMatch(/runs past the end/);
  });

  it("stops at an absurd captured length with the offset of that record", async () => {
    const { summary, errors } = await read(fixture("absurd-length.pcap"));
    expect(summary.packets).toBe(3);
    expect(errors).toEqual([expect.objectContaining({ offset: 24 + 3 * 76, frame: 4, fatal: true })]);
    expect(errors[0].message).toMatch(/absurd captured length 2147483632/);
  });

  it("keeps records of an unknown link type and warns once", async () => {
    const { summary, errors, interfaces } = await read(fixture("unknown-linktype.pcap"));
    expect(summary.packets).toBe(2);
    expect(interfaces[0].linkType).toBe(4000);
    expect(errors).toEqual([expect.objectContaining({ offset: 20, fatal: false })]);
  });

  it("says what an unreadable file looks like", async () => {
    const html = new TextEncoder().encode("<!DOCTYPE html><html><body>hello</body></html>");
    const { summary, errors } = await read(html, "page.pcap");
    expect(summary.format).toBe("unknown");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: "page.pcap", offset: 0, frame: 1, fatal: true });
    expect(errors[0].message).toBe("not a capture file: first bytes 3c 21 44 4f 43 54 59 50 ... (looks like HTML)");
    const empty = await read(new Uint8Array(0));
    expect(empty.errors[0].message).toBe("not a capture file: the file is empty");
  });

  it("reads records that straddle slice boundaries whole, whatever the slice size", async () => {
    const packets = Array.from({ length: 50 }, (_, i) => ({
      tsSec: 1000 + i,
      tsNsec: i * 1000,
      data: Uint8Array.from({ length: 17 + ((i * 37) % 300) }, (_, k) => (i + k) & 0xff),
    }));
    const bytes = writePcap(packets, { linkType: 1 });
    for (const sliceBytes of [1, 7, 16, 100, 1 << 20]) {
      const { records, errors } = await read(bytes, "slices", { sliceBytes });
      expect(errors).toEqual([]);
      expect(records.map((r) => r.data)).toEqual(packets.map((p) => [...p.data]));
      expect(records.map((r) => [r.sec, r.nsec])).toEqual(packets.map((p) => [p.tsSec, p.tsNsec]));
    }
    const ng = fixture("skipped-blocks.pcapng");
    const whole = await read(ng);
    for (const sliceBytes of [1, 5, 64]) expect((await read(ng, "ng", { sliceBytes })).records).toEqual(whole.records);
  });

  it("reads a 4.6 GB file (offsets past 2^32) in slices without holding it", async () => {
    // A virtual pcap: 24-byte header, then 70,000 records of 65,536 bytes that all look alike,
    // served from one template so the test needs no disk and little memory.
    const RECORD = 65536;
    const COUNT = 70_000;
    const size = 24 + COUNT * RECORD;
    const header = writePcap([], { linkType: 1 });
    const template = new Uint8Array(32 * 1024 * 1024 + RECORD);
    const record = writePcap([{ tsSec: 1, tsNsec: 0, data: new Uint8Array(RECORD - 16).fill(0xab) }], { linkType: 1 }).subarray(24);
    for (let at = 0; at < template.length; at += RECORD) template.set(record, at);
    const source: ByteSource = {
      name: "virtual.pcap",
      size,
      read: async (offset, length) => {
        const n = Math.max(0, Math.min(length, size - offset));
        if (offset === 0) {
          const first = new Uint8Array(n);
          first.set(header);
          first.set(template.subarray(0, n - 24), 24);
          return first;
        }
        const phase = (offset - 24) % RECORD;
        return template.subarray(phase, phase + n);
      },
    };
    let packets = 0;
    let lastOffset = 0;
    const progress: number[] = [];
    const summary = await openCapture(
      source,
      {
        addInterface: () => {},
        record: (r) => {
          packets++;
          lastOffset = r.fileOffset;
        },
        error: () => {},
      },
      { onProgress: (b) => progress.push(b) },
    );
    expect(summary.errors).toEqual([]);
    expect(packets).toBe(COUNT);
    expect(lastOffset).toBe(24 + (COUNT - 1) * RECORD);
    expect(progress[progress.length - 1]).toBe(size);
  });

  it("stops when aborted and resolves with what was read, noted as cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    const bytes = writePcap([{ tsSec: 1, tsNsec: 0, data: new Uint8Array(60) }], { linkType: 1 });
    const { summary } = await read(bytes, "x", { signal: controller.signal });
    expect(summary.format).toBe("pcap");
    expect(summary.packets).toBe(0);
    expect(summary.errors).toEqual([]);
    expect(summary.notes).toEqual(["reading was cancelled after 0 packets: the rest of the file was not read"]);
  });
});

describe("pcapng", () => {
  it("keeps interface names, descriptions, resolutions and FCS lengths (generator definitions)", async () => {
    const { interfaces } = await read(fixture("comments-flags.pcapng"));
    expect(interfaces).toEqual([
      { linkType: 1, fcsLength: 0, snaplen: 262144, name: "eth0", description: "uplink", tsResolution: "ns", tsDigits: 9 },
      { linkType: 1, fcsLength: 0, snaplen: 262144, name: "eth1", description: undefined, tsResolution: "us", tsDigits: 6 },
    ]);
    const multi = await read(fixture("multi-section.pcapng"));
    expect(multi.interfaces.map((i) => [i.linkType, i.tsResolution, i.fcsLength])).toEqual([
      [1, "us", 0],
      [228, "1/1048576 s", 0],
      [1, "ns", 4],
    ]);
    // Sections restart interface ids; the sink sees global ones.
    expect(multi.records.map((r) => r.id)).toEqual([0, 0, 1, 1, 2]);
    expect(multi.summary.notes).toContain("3 sections");
    expect(multi.summary.notes).toContain("section 2 comment: section two (big-endian)");
  });

  it("notes packets the capture itself dropped (Interface Statistics Block; generator: ifdrop 2, osdrop 1)", async () => {
    const { summary, errors } = await read(fixture("skipped-blocks.pcapng"));
    expect(errors).toEqual([]);
    expect(summary.packets).toBe(3);
    expect(summary.notes).toContain("interface 0: the capture itself dropped packets (2 by the interface, 1 by the operating system)");
  });

  it("warns about a block length that is not a multiple of 4 and reads on", async () => {
    const { summary, errors } = await read(fixture("bad-block-length.pcapng"));
    expect(summary.packets).toBe(4);
    expect(errors).toEqual([expect.objectContaining({ offset: 28 + 32 + 2 * 92, frame: 3, fatal: false })]);
  });

  it("stops at a block length below 12 with its offset", async () => {
    const { summary, errors } = await read(fixture("short-block-length.pcapng"));
    expect(summary.packets).toBe(1);
    expect(errors).toEqual([expect.objectContaining({ offset: 28 + 32 + 92, frame: 2, fatal: true })]);
  });

  it("sniffs both byte orders and nothing else", () => {
    expect(pcapngReader.sniff(fixture("multi-section.pcapng"))).toBe(true);
    expect(pcapngReader.sniff(fixture("tsresol-pow2-offset-be.pcapng"))).toBe(true);
    expect(pcapngReader.sniff(fixture("le-usec.pcap"))).toBe(false);
    expect(pcapReader.sniff(fixture("be-nsec.pcap"))).toBe(true);
  });
});
