// The builder as a RecordSink: rows across chunk boundaries, lengths, optional columns and
// sparse facts land on the right rows; FCS bytes are not payload; unknown link types and
// reader errors are kept.

import { describe, expect, it } from "vitest";
import { ethernet, ipv4, ipv6, tcp, TcpFlags, tcpOption, bytes, udp } from "../testing/packets";
import type { PacketRecord } from "../formats/types";
import { fileOffset, OFFSET_CHECKPOINT_ROWS, PacketFlag, L3, type PacketTable } from "./packet-table";
import { PacketTableBuilder, readPacketTable } from "./packet-table-builder";
import { memorySource } from "../formats/memory-source";
import { writePcap } from "../formats/pcap-writer";

const ETH = { linkType: 1, fcsLength: 0, snaplen: 65535, tsResolution: "us", tsDigits: 6 };
const facts = { file: "crafted", format: "pcap" as const, compression: "none" as const, fileBytes: 0, notes: [] };

function record(i: number, data: Uint8Array, originalLength = data.length, interfaceId = 0): PacketRecord {
  return { interfaceId, tsSec: 1_700_000_000 + i, tsNsec: i * 1000, capturedLength: data.length, originalLength, data, fileOffset: offsetOf(i) };
}

/** Record i's offset: 200 bytes apart, so the gap after each segment (at most 108 bytes) is under 256 bytes. */
function offsetOf(i: number): number {
  return 24 + i * 200;
}

/** Frame i: a TCP segment from 10.0.x.y port 1000+i, an MSS option on every 1000th. */
function segment(i: number): Uint8Array {
  const src = `10.0.${(i >> 8) & 255}.${i & 255}`;
  const options = i % 1000 === 0 ? tcpOption.mss(1000 + (i % 400)) : [];
  return ethernet(0x0800, ipv4({ src, dst: "10.9.9.9", protocol: 6, id: i & 0xffff, payload: tcp({ src, dst: "10.9.9.9", srcPort: 1000 + (i % 60000), dstPort: 80, seq: i * 7, flags: TcpFlags.ACK, options, payload: bytes(i % 50, i) }) }));
}

describe("PacketTableBuilder", () => {
  it("keeps every row's values across chunk boundaries", () => {
    const b = new PacketTableBuilder();
    b.addInterface(0, ETH);
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const data = segment(i);
      // Rows from 3000 on were cut by a snap length (original length larger).
      b.record(record(i, data, i >= 3000 ? data.length + 10 : data.length));
    }
    const t = b.finish(facts);
    const c = t.columns;
    expect(t.count).toBe(n);
    for (const i of [0, 1, 1023, 1024, 1025, 3071, 3072, 2999, 3000, 4999]) {
      const data = segment(i);
      expect([c.tsSec[i], c.tsNsec[i], fileOffset(t, i), c.capturedLength[i]]).toEqual([1_700_000_000 + i, i * 1000, offsetOf(i), data.length]);
      expect(c.originalLength[i]).toBe(i >= 3000 ? data.length + 10 : data.length);
      expect(t.addresses.text[c.src[i]]).toBe(`10.0.${(i >> 8) & 255}.${i & 255}`);
      expect([c.srcPort[i], c.seq[i], c.ipId[i], c.payloadLength[i]]).toEqual([1000 + i, i * 7, i, i % 50]);
      expect(t.optional.tcpMss![i]).toBe(i % 1000 === 0 ? 1000 + (i % 400) : 0);
    }
    expect(t.addresses.text.length).toBe(1 + n + 1);
    expect(c.originalLength).not.toBe(c.capturedLength);
  });

  it("starts each chunk from zeroed columns once the scratch columns are reused", () => {
    // Enough rows for several chunks of the largest size: TCP timestamps on every row before
    // `half`, none after, so a stale value would show on a later chunk's rows.
    const n = 80_000;
    const half = 40_000;
    const frame = (ts: boolean) =>
      ethernet(0x0800, ipv4({ src: "10.1.1.1", dst: "10.2.2.2", protocol: 6, payload: tcp({ src: "10.1.1.1", dst: "10.2.2.2", srcPort: 1, dstPort: 2, seq: 5, flags: TcpFlags.ACK, options: ts ? tcpOption.timestamps(7, 9).concat([1, 1]) : [], payload: bytes(8) }) }));
    const [withTs, without] = [frame(true), frame(false)];
    const b = new PacketTableBuilder();
    b.addInterface(0, ETH);
    for (let i = 0; i < n; i++) b.record(record(i, i < half ? withTs : without));
    const t = b.finish(facts);
    const c = t.columns;
    let wrong = 0;
    for (let i = 0; i < n; i++) {
      const ts = i < half;
      if (c.tsVal[i] !== (ts ? 7 : 0) || c.tsEcr[i] !== (ts ? 9 : 0) || (c.flags[i] & PacketFlag.TCP_TS) !== (ts ? PacketFlag.TCP_TS : 0)) wrong++;
      if (c.seq[i] !== 5 || fileOffset(t, i) !== offsetOf(i) || c.capturedLength[i] !== (ts ? withTs : without).length) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it("shares one array for captured and original lengths when no frame was cut", () => {
    const b = new PacketTableBuilder();
    b.addInterface(0, ETH);
    for (let i = 0; i < 1500; i++) b.record(record(i, segment(i)));
    const t = b.finish(facts);
    expect(t.columns.originalLength).toBe(t.columns.capturedLength);
    expect(t.optional.vlan).toBeUndefined();
  });

  it("lets columns that are zero on every row share one buffer", () => {
    const b = new PacketTableBuilder();
    b.addInterface(0, ETH);
    b.addInterface(1, ETH);
    // No TCP timestamps anywhere; one interface id differs only on the very last row.
    for (let i = 0; i < 1500; i++) b.record(record(i, segment(i), undefined, i === 1499 ? 1 : 0));
    const t = b.finish(facts);
    const c = t.columns;
    expect(c.tsVal.buffer).toBe(c.tsEcr.buffer);
    expect(c.tos.buffer).toBe(c.tsVal.buffer);
    expect([c.tsVal.length, c.tsEcr.length, c.tos.length]).toEqual([1500, 1500, 1500]);
    expect(c.tsVal.every((v) => v === 0) && c.tos.every((v) => v === 0)).toBe(true);
    expect(c.interfaceId.buffer).not.toBe(c.tsVal.buffer);
    expect(c.interfaceId[1499]).toBe(1);
    expect(c.seq.buffer).not.toBe(c.tsVal.buffer);
  });

  it("keeps a column that is zero in whole chunks but not everywhere", () => {
    const b = new PacketTableBuilder();
    b.addInterface(0, ETH);
    b.addInterface(1, ETH);
    // Chunks hold rows 0-1023, 1024-3071, 3072-7167: interface 1 only inside the second.
    const other = (i: number) => i >= 2000 && i < 2010;
    for (let i = 0; i < 5000; i++) b.record(record(i, segment(i), undefined, other(i) ? 1 : 0));
    const t = b.finish(facts);
    for (const i of [0, 1023, 1024, 1999, 2000, 2009, 2010, 3071, 3072, 4999]) expect(t.columns.interfaceId[i]).toBe(other(i) ? 1 : 0);
    expect(t.columns.interfaceId.buffer).not.toBe(t.columns.tsVal.buffer);
  });

  it("leaves the FCS out of the payload, keeps comments, errors and frames of unknown link types", () => {
    const b = new PacketTableBuilder();
    b.addInterface(0, ETH);
    b.addInterface(1, { ...ETH, fcsLength: 4 });
    b.addInterface(2, { ...ETH, linkType: 147 });
    const frame = ethernet(0x0800, ipv4({ src: "1.1.1.1", dst: "2.2.2.2", protocol: 17, payload: udp({ src: "1.1.1.1", dst: "2.2.2.2", srcPort: 1, dstPort: 2, payload: bytes(10) }) }));
    b.record(record(0, frame));
    b.record(record(1, new Uint8Array([...frame, 0xde, 0xad, 0xbe, 0xef]), frame.length + 4, 1));
    b.record({ ...record(2, frame, frame.length, 2), meta: { comments: ["hello"] } });
    b.error({ file: "crafted", offset: 999, frame: 4, message: "cut", fatal: true });
    const t = b.finish(facts);
    const c = t.columns;
    expect(c.payloadHash[1]).toBe(c.payloadHash[0]);
    expect(c.checksums[1]).toBe(c.checksums[0]);
    expect([c.l3[2], c.src[2], c.flags[2]]).toEqual([L3.NONE, 0, PacketFlag.HAS_META]);
    expect(t.sparse.meta.get(2)).toEqual({ comments: ["hello"] });
    expect(t.errors).toEqual([{ file: "crafted", offset: 999, frame: 4, message: "cut", fatal: true }]);
    expect(t.interfaces.map((i) => i.linkType)).toEqual([1, 1, 147]);
  });
});

describe("PacketTableBuilder on a reader's window", () => {
  it("decodes records read in the reader's window (pcap) as it decodes each record's own bytes", async () => {
    // Segments with and without options, a broken TCP option (a problem message with its
    // offset), and a UDP datagram; in slices of 700 bytes, so records also come in bridges.
    const broken = ethernet(0x0800, ipv4({ src: "10.1.1.1", dst: "10.2.2.2", protocol: 6, payload: tcp({ src: "10.1.1.1", dst: "10.2.2.2", srcPort: 1, dstPort: 2, seq: 0, flags: TcpFlags.ACK, options: [2, 9, 0, 0] }) }));
    const datagram = ethernet(0x0800, ipv4({ src: "10.1.1.1", dst: "10.2.2.2", protocol: 17, payload: udp({ src: "10.1.1.1", dst: "10.2.2.2", srcPort: 1, dstPort: 2, payload: bytes(33) }) }));
    const frames = Array.from({ length: 3000 }, (_, i) => (i % 97 === 5 ? broken : i % 89 === 3 ? datagram : segment(i)));
    const file = writePcap(
      frames.map((data, i) => ({ tsSec: 1_700_000_000 + i, tsNsec: i * 1000, data })),
      { linkType: 1, nanoseconds: true },
    );
    const windowed = await readPacketTable(memorySource(file), { sliceBytes: 700 });
    const b = new PacketTableBuilder();
    b.addInterface(0, { ...ETH, snaplen: 262144, tsResolution: "ns", tsDigits: 9 });
    let offset = 24;
    frames.forEach((data, i) => {
      b.record({ interfaceId: 0, tsSec: 1_700_000_000 + i, tsNsec: i * 1000, capturedLength: data.length, originalLength: data.length, data, fileOffset: offset });
      offset += 16 + data.length;
    });
    const own = b.finish(facts);
    expect(windowed.count).toBe(3000);
    expect(windowed.columns).toEqual(own.columns);
    expect(windowed.optional).toEqual(own.optional);
    expect(windowed.sparse.problems.get(5)).toBe("TCP option 2 with length 9 at offset 54");
    expect(windowed.sparse).toEqual(own.sparse);
  });
});

describe("PacketTableBuilder column narrowing", () => {
  const ORDINARY = 1500;

  /** ORDINARY rows of segment(i) (across chunk boundaries), then `extra` records. */
  function tableWith(...extra: PacketRecord[]) {
    const b = new PacketTableBuilder();
    b.addInterface(0, ETH);
    for (let i = 0; i < ORDINARY; i++) b.record(record(i, segment(i)));
    for (const rec of extra) b.record(rec);
    return b.finish(facts);
  }

  /** The ordinary rows are unchanged (checked on every row of the narrowable columns). */
  function expectOrdinaryRows(t: ReturnType<typeof tableWith>): void {
    const c = t.columns;
    for (let i = 0; i < ORDINARY; i++) {
      const length = segment(i).length;
      expect([fileOffset(t, i), c.capturedLength[i], c.originalLength[i], c.ipLength[i], c.payloadLength[i], c.tcpFlags[i]]).toEqual([
        offsetOf(i),
        length,
        length,
        length - 14,
        i % 50,
        TcpFlags.ACK,
      ]);
      expect([t.addresses.text[c.src[i]], t.addresses.text[c.dst[i]]]).toEqual([`10.0.${(i >> 8) & 255}.${i & 255}`, "10.9.9.9"]);
    }
  }

  const at = (i: number, data: Uint8Array, fields: Partial<PacketRecord> = {}): PacketRecord => ({ ...record(i, data), ...fields });

  it("stores the gaps between records in the narrowest type (Float64 for records out of order) and gives back every file offset", () => {
    // Row ORDINARY (not a checkpoint row) starts `gap` bytes after the last ordinary row's captured bytes.
    const end = offsetOf(ORDINARY - 1) + segment(ORDINARY - 1).length;
    const withGap = (gap: number) => tableWith(at(ORDINARY, segment(0), { fileOffset: end + gap }));
    const cases: [number, Function][] = [
      [255, Uint8Array],
      [256, Uint16Array],
      [2 ** 32 - 1, Uint32Array],
      [2 ** 32, Float64Array],
      [-1, Float64Array],
    ];
    expect(ORDINARY % OFFSET_CHECKPOINT_ROWS).not.toBe(0);
    for (const [gap, type] of cases) {
      const t = withGap(gap);
      expect(t.columns.recordGap).toBeInstanceOf(type);
      expect(fileOffset(t, ORDINARY)).toBe(end + gap);
      expectOrdinaryRows(t);
    }
  });

  it("keeps every file offset of a pcap whose records follow each other, in one byte per row", () => {
    const b = new PacketTableBuilder();
    b.addInterface(0, ETH);
    let offset = 24;
    const offsets: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const data = segment(i);
      offsets.push(offset);
      b.record({ ...record(i, data), fileOffset: offset });
      offset += 16 + data.length;
    }
    const t = b.finish(facts);
    expect(t.columns.recordGap).toBeInstanceOf(Uint8Array);
    expect(t.offsetCheckpoints.length).toBe(Math.ceil(3000 / OFFSET_CHECKPOINT_ROWS));
    for (let i = 0; i < 3000; i++) expect(fileOffset(t, i)).toBe(offsets[i]);
  });

  it("stores captured and original lengths below 65536 as Uint16, longer ones as Uint32", () => {
    // A frame of an unassigned EtherType: no IP, so only the lengths matter.
    const frame = (length: number) => ethernet(0x88b5, bytes(length - 14));
    const under = tableWith(at(ORDINARY, frame(65535)), at(ORDINARY + 1, frame(100), { originalLength: 65535 }));
    const overCaptured = tableWith(at(ORDINARY, frame(65536)));
    const overOriginal = tableWith(at(ORDINARY, frame(100), { originalLength: 65536 }));
    expect(under.columns.capturedLength).toBeInstanceOf(Uint16Array);
    expect(under.columns.originalLength).toBeInstanceOf(Uint16Array);
    expect([under.columns.capturedLength[ORDINARY], under.columns.capturedLength[ORDINARY + 1]]).toEqual([65535, 100]);
    expect([under.columns.originalLength[ORDINARY], under.columns.originalLength[ORDINARY + 1]]).toEqual([65535, 65535]);
    expect(overCaptured.columns.capturedLength).toBeInstanceOf(Uint32Array);
    expect(overCaptured.columns.originalLength).toBe(overCaptured.columns.capturedLength);
    expect(overCaptured.columns.capturedLength[ORDINARY]).toBe(65536);
    expect(overOriginal.columns.capturedLength).toBeInstanceOf(Uint16Array);
    expect(overOriginal.columns.originalLength).toBeInstanceOf(Uint32Array);
    expect([overOriginal.columns.capturedLength[ORDINARY], overOriginal.columns.originalLength[ORDINARY]]).toEqual([100, 65536]);
    for (const t of [under, overCaptured, overOriginal]) expectOrdinaryRows(t);
  });

  it("stores IP lengths below 65536 as Uint16, an IPv6 length of 65536 (payload length 65496 + 40) as Uint32", () => {
    const v6 = (payloadLength: number) => ethernet(0x86dd, ipv6({ src: "2001:db8::1", dst: "2001:db8::2", nextHeader: 59, payload: bytes(payloadLength) }));
    const under = tableWith(at(ORDINARY, v6(65495)));
    const over = tableWith(at(ORDINARY, v6(65496)));
    expect(under.columns.ipLength).toBeInstanceOf(Uint16Array);
    expect(over.columns.ipLength).toBeInstanceOf(Uint32Array);
    expect([under.columns.ipLength[ORDINARY], over.columns.ipLength[ORDINARY]]).toEqual([65535, 65536]);
    expectOrdinaryRows(under);
    expectOrdinaryRows(over);
  });

  it("stores payload lengths below 65536 as Uint16, a longer TSO super-segment's as Uint32", () => {
    // IPv4 total length 0: the payload runs to the end of the original frame (54 header bytes).
    const superSegment = ethernet(0x0800, ipv4({ src: "10.1.1.1", dst: "10.2.2.2", protocol: 6, totalLength: 0, payload: tcp({ src: "10.1.1.1", dst: "10.2.2.2", srcPort: 1, dstPort: 2, seq: 0, flags: TcpFlags.ACK }) }));
    const under = tableWith(at(ORDINARY, superSegment, { originalLength: 54 + 65535 }));
    const over = tableWith(at(ORDINARY, superSegment, { originalLength: 54 + 65536 }));
    expect(under.columns.payloadLength).toBeInstanceOf(Uint16Array);
    expect(over.columns.payloadLength).toBeInstanceOf(Uint32Array);
    expect([under.columns.payloadLength[ORDINARY], over.columns.payloadLength[ORDINARY]]).toEqual([65535, 65536]);
    expectOrdinaryRows(under);
    expectOrdinaryRows(over);
  });

  it("stores address ids as Uint16 while the address table has fewer than 65536 entries, else Uint32", () => {
    const ordinaryAddresses = ORDINARY + 2; // id 0 (none), the sources, 10.9.9.9
    // One packet from and to each new address 10.128.x.y: ids ordinaryAddresses, ordinaryAddresses + 1...
    const template = ethernet(0x0800, ipv4({ src: "10.128.0.0", dst: "10.128.0.0", protocol: 17, payload: udp({ src: "10.128.0.0", dst: "10.128.0.0", srcPort: 1, dstPort: 2, payload: bytes(4) }) }));
    const address = (k: number) => [10, 128 + (k >> 16), (k >> 8) & 255, k & 255];
    const fresh = (k: number): PacketRecord => {
      const data = template.slice();
      for (const off of [14 + 12, 14 + 16]) data.set(address(k), off);
      return at(ORDINARY + k, data);
    };
    const tableOf = (entries: number) => tableWith(...Array.from({ length: entries - ordinaryAddresses }, (_, k) => fresh(k)));
    const under = tableOf(65536);
    const over = tableOf(65537);
    expect(under.addresses.text.length).toBe(65536);
    expect(over.addresses.text.length).toBe(65537);
    expect([under.columns.src, under.columns.dst]).toEqual([expect.any(Uint16Array), expect.any(Uint16Array)]);
    expect([over.columns.src, over.columns.dst]).toEqual([expect.any(Uint32Array), expect.any(Uint32Array)]);
    expect([under.columns.src[under.count - 1], under.columns.dst[under.count - 1]]).toEqual([65535, 65535]);
    expect([over.columns.src[over.count - 1], over.columns.dst[over.count - 1]]).toEqual([65536, 65536]);
    for (const t of [under, over]) {
      const last = t.count - 1 - ORDINARY;
      expect(t.addresses.text[t.columns.src[t.count - 1]]).toBe(address(last).join("."));
      for (let k = 0; k <= last; k += 997) expect(t.addresses.text[t.columns.dst[ORDINARY + k]]).toBe(address(k).join("."));
    }
    expectOrdinaryRows(under);
    expectOrdinaryRows(over);
  });

  it("stores TCP flags as Uint8 without the AE bit, as Uint16 with it", () => {
    const withFlags = (flags: number) => ethernet(0x0800, ipv4({ src: "10.1.1.1", dst: "10.2.2.2", protocol: 6, payload: tcp({ src: "10.1.1.1", dst: "10.2.2.2", srcPort: 1, dstPort: 2, seq: 0, flags }) }));
    const under = tableWith(at(ORDINARY, withFlags(0xff)));
    const over = tableWith(at(ORDINARY, withFlags(0x100 | TcpFlags.ACK)));
    expect(under.columns.tcpFlags).toBeInstanceOf(Uint8Array);
    expect(over.columns.tcpFlags).toBeInstanceOf(Uint16Array);
    expect([under.columns.tcpFlags[ORDINARY], over.columns.tcpFlags[ORDINARY]]).toEqual([0xff, 0x110]);
    expectOrdinaryRows(under);
    expectOrdinaryRows(over);
  });

  it("keeps the wide type when only a full chunk needed it, and every value across narrowed chunks", () => {
    // Rows 0-1023 are the first chunk, narrowed when full: one row there needs the wide type.
    const b = new PacketTableBuilder();
    b.addInterface(0, ETH);
    const n = 5000;
    const cut = (i: number) => (i >= 3000 ? 10 : 0);
    for (let i = 0; i < n; i++) b.record({ ...record(i, segment(i), segment(i).length + cut(i)), fileOffset: i === 5 ? 2 ** 40 : offsetOf(i) });
    const t = b.finish(facts);
    const c = t.columns;
    expect(c.recordGap).toBeInstanceOf(Float64Array);
    expect([c.capturedLength, c.originalLength, c.payloadLength]).toEqual([expect.any(Uint16Array), expect.any(Uint16Array), expect.any(Uint16Array)]);
    for (let i = 0; i < n; i++) {
      const length = segment(i).length;
      expect([fileOffset(t, i), c.capturedLength[i], c.originalLength[i], c.payloadLength[i]]).toEqual([i === 5 ? 2 ** 40 : offsetOf(i), length, length + cut(i), i % 50]);
    }
  });

  it("stores interface ids under 256 as Uint8, larger ones as Uint16", () => {
    const withInterface = (id: number) => {
      const b = new PacketTableBuilder();
      b.addInterface(0, ETH);
      b.addInterface(id, ETH);
      for (let i = 0; i < ORDINARY; i++) b.record(record(i, segment(i), undefined, i === 7 ? id : 0));
      return b.finish(facts);
    };
    const under = withInterface(255);
    const over = withInterface(256);
    expect(under.columns.interfaceId).toBeInstanceOf(Uint8Array);
    expect(over.columns.interfaceId).toBeInstanceOf(Uint16Array);
    expect([under.columns.interfaceId[7], over.columns.interfaceId[7], over.columns.interfaceId[8]]).toEqual([255, 256, 0]);
  });

  it("stores payload offsets as Uint8 until a header chain passes 255 bytes, then as Uint16", () => {
    // IPv6 hop-by-hop header of 216 bytes (one PadN option) before UDP: payload at 14 + 40 + 216 + 8 = 278.
    const hopByHop = [17, 26, 1, 212, ...new Array(212).fill(0)];
    const udpBytes = udp({ src: "2001:db8::1", dst: "2001:db8::2", srcPort: 1, dstPort: 2, payload: bytes(4) });
    const deep = ethernet(0x86dd, ipv6({ src: "2001:db8::1", dst: "2001:db8::2", nextHeader: 0, payload: new Uint8Array([...hopByHop, ...udpBytes]) }));
    const over = tableWith(at(ORDINARY, deep));
    const under = tableWith();
    expect(under.columns.payloadOffset).toBeInstanceOf(Uint8Array);
    expect(over.columns.payloadOffset).toBeInstanceOf(Uint16Array);
    expect([over.columns.payloadOffset[ORDINARY], over.columns.payloadLength[ORDINARY]]).toEqual([278, 4]);
    for (const t of [under, over]) for (let i = 0; i < ORDINARY; i++) expect(t.columns.payloadOffset[i]).toBe(14 + 20 + (i % 1000 === 0 ? 24 : 20));
    expectOrdinaryRows(over);
  });

  it("stores TCP option kind bits in Uint8, Uint16 or Uint32 as the highest kind needs", () => {
    // Kind 7 is bit 7 (0x80), timestamps (8) bit 8, kind 16 bit 16; MSS on every 1000th ordinary row is bit 2.
    const withOptions = (options: number[]) => ethernet(0x0800, ipv4({ src: "10.1.1.1", dst: "10.2.2.2", protocol: 6, payload: tcp({ src: "10.1.1.1", dst: "10.2.2.2", srcPort: 1, dstPort: 2, seq: 0, flags: TcpFlags.ACK, options }) }));
    const kinds = (options: number[]) => tableWith(at(ORDINARY, withOptions(options))).optional.tcpOptionKinds!;
    const eight = kinds([7, 2, 1, 1]);
    const sixteen = kinds(tcpOption.timestamps(1, 2).concat([1, 1]));
    const seventeen = kinds([16, 2, 1, 1]);
    expect(eight).toBeInstanceOf(Uint8Array);
    expect(sixteen).toBeInstanceOf(Uint16Array);
    expect(seventeen).toBeInstanceOf(Uint32Array);
    expect([eight[ORDINARY], sixteen[ORDINARY], seventeen[ORDINARY]]).toEqual([0x82, 0x102, 0x10002]);
    for (const column of [eight, sixteen, seventeen]) for (let i = 0; i < ORDINARY; i++) expect(column[i]).toBe(i % 1000 === 0 ? 1 << 2 : 0);
  });
});

describe("PacketTableBuilder sized from the stream's size", () => {
  const N = 40_000;
  /** Rows from 30,000 on carry a window scale option (first seen after the columns were sized), and every 700th row was cut by a snap length. */
  const frames = Array.from({ length: N }, (_, i) => {
    const src = `10.0.${(i >> 8) & 255}.${i & 255}`;
    const options = i >= 30_000 ? tcpOption.windowScale(i % 15).concat([1]) : [];
    return ethernet(0x0800, ipv4({ src, dst: "10.9.9.9", protocol: 6, payload: tcp({ src, dst: "10.9.9.9", srcPort: 1000 + (i % 60000), dstPort: 80, seq: i * 7, flags: TcpFlags.ACK, options, payload: bytes(i % 50, i) }) }));
  });
  function build(streamBytes?: number, offset = offsetOf) {
    const b = new PacketTableBuilder(streamBytes);
    b.addInterface(0, ETH);
    frames.forEach((data, i) => b.record({ ...record(i, data, i % 700 === 0 ? data.length + 1 : data.length), fileOffset: offset(i) }));
    return b.finish(facts);
  }
  const columnsOf = (t: PacketTable) => [...Object.entries(t.columns), ...Object.entries(t.optional)] as [string, Uint8Array | Uint16Array | Uint32Array | Float64Array][];
  /** Columns with a buffer of their own (not the one all-zero columns share). */
  const ownColumns = (t: PacketTable) => {
    const columns = columnsOf(t);
    return columns.filter(([, a]) => columns.filter(([, other]) => other.buffer === a.buffer).length === 1);
  };
  /** Bytes of buffer behind each column beyond its own length. */
  const slack = (t: PacketTable) => ownColumns(t).map(([name, a]) => [name, a.buffer.byteLength - a.byteLength] as const);
  const unsized = build();

  it("gives the same table whether the size is right, too small, absurdly large or unknown", () => {
    // Records are 200 bytes apart from offset 24 (offsetOf): the right size is offsetOf(N).
    const expected = columnsOf(unsized);
    for (const streamBytes of [offsetOf(N), offsetOf(N / 8), 1e15, 0]) {
      const t = build(streamBytes);
      // Compared in a plain loop: toEqual on 40,000-row arrays takes seconds.
      const differing = columnsOf(t).filter(([name, a], k) => {
        const b = expected[k][1];
        return name !== expected[k][0] || a.constructor !== b.constructor || a.length !== b.length || a.some((v, i) => v !== b[i]);
      });
      expect(differing.map(([name]) => name)).toEqual([]);
      expect(t.sparse).toEqual(unsized.sparse);
    }
    const c = unsized.columns;
    expect(unsized.optional.tcpWindowScale![29_999]).toBe(255);
    expect(unsized.optional.tcpWindowScale![30_001]).toBe(30_001 % 15);
    expect([c.originalLength[700], c.capturedLength[700] + 1, c.originalLength[701], c.capturedLength[701]]).toEqual([c.capturedLength[700] + 1, c.originalLength[700], c.capturedLength[701], c.originalLength[701]]);
  });

  it("leaves no unused rows when the size was unknown or overstated, and at most 1/16 of a column when it was right", () => {
    for (const t of [unsized, build(offsetOf(N) * 3), build(1e15)]) for (const [name, bytes] of slack(t)) expect(bytes, name).toBe(0);
    const sized = build(offsetOf(N));
    expect(Math.max(...slack(sized).map(([, bytes]) => bytes))).toBeGreaterThan(0);
    for (const [name, a] of ownColumns(sized)) expect(a.buffer.byteLength, name).toBeLessThanOrEqual(Math.ceil(a.byteLength * (1 + 1 / 16)));
  });

  it("shrinks the columns early, not with a copy at the end, when the first rows overstated the count", () => {
    // The first 1024 records are 100 bytes apart, the rest 2000: the first chunk foretells about 14 times the rows.
    const offset = (i: number) => 24 + Math.min(i, 1024) * 100 + Math.max(0, i - 1024) * 2000;
    const t = build(offset(N), offset);
    const slacks = slack(t).map(([, bytes]) => bytes);
    expect(Math.max(...slacks)).toBeGreaterThan(0);
    for (const [name, a] of ownColumns(t)) expect(a.buffer.byteLength, name).toBeLessThanOrEqual(Math.ceil(a.byteLength * (1 + 1 / 16)));
    expect(fileOffset(t, N - 1)).toBe(offset(N - 1));
  });
});
