// The builder as a RecordSink: rows across chunk boundaries, lengths, optional columns and
// sparse facts land on the right rows; FCS bytes are not payload; unknown link types and
// reader errors are kept.

import { describe, expect, it } from "vitest";
import { ethernet, ipv4, tcp, TcpFlags, tcpOption, bytes, udp } from "../../../fixtures/decode/packets";
import type { PacketRecord } from "../formats/types";
import { PacketFlag, L3 } from "./packet-table";
import { PacketTableBuilder } from "./packet-table-builder";

const ETH = { linkType: 1, fcsLength: 0, snaplen: 65535, tsResolution: "us", tsDigits: 6 };
const facts = { file: "crafted", format: "pcap" as const, compression: "none" as const, fileBytes: 0, notes: [] };

function record(i: number, data: Uint8Array, originalLength = data.length, interfaceId = 0): PacketRecord {
  return { interfaceId, tsSec: 1_700_000_000 + i, tsNsec: i * 1000, capturedLength: data.length, originalLength, data, fileOffset: 24 + i * 100 };
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
      expect([c.tsSec[i], c.tsNsec[i], c.fileOffset[i], c.capturedLength[i]]).toEqual([1_700_000_000 + i, i * 1000, 24 + i * 100, data.length]);
      expect(c.originalLength[i]).toBe(i >= 3000 ? data.length + 10 : data.length);
      expect(t.addresses.text[c.src[i]]).toBe(`10.0.${(i >> 8) & 255}.${i & 255}`);
      expect([c.srcPort[i], c.seq[i], c.ipId[i], c.payloadLength[i]]).toEqual([1000 + i, i * 7, i, i % 50]);
      expect(t.optional.tcpMss![i]).toBe(i % 1000 === 0 ? 1000 + (i % 400) : 0);
    }
    expect(t.addresses.text.length).toBe(1 + n + 1);
    expect(c.originalLength).not.toBe(c.capturedLength);
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
