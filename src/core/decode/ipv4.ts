// IPv4 (RFC 791): header with options, header checksum, fragments. A total length of 0 on a
// longer packet is a sender-side TSO/BIG TCP super-segment: the captured length is used.

import { Checksum, L3, PacketFlag } from "../model/packet-table";
import type { Frame } from "./frame";
import { checksumValid, sumWords } from "./payload";
import { dissectNext, dissectorByIpProtocol, handOffIpProtocol } from "./registry";
import type { Dissection } from "./field-tree";

export const ETHERTYPE_IPV4 = 0x0800;

export function decodeIpv4(f: Frame, off: number, end: number): void {
  const { b, c, r } = f;
  c.l3[r] = L3.IPV4;
  if (end - off < 20) return f.truncated("IPv4 header needs 20 bytes");
  const version = b[off] >> 4;
  const headerLength = (b[off] & 15) * 4;
  if (version !== 4 || headerLength < 20) return f.malformed(`IPv4 version ${version}, header length ${headerLength}`);
  if (off + headerLength > end) return f.truncated(`IPv4 header length ${headerLength} runs past the capture`);
  const totalLength = (b[off + 2] << 8) | b[off + 3];
  const fragment = (b[off + 6] << 8) | b[off + 7];
  const protocol = b[off + 9];
  c.tos[r] = b[off + 1];
  c.ipLength[r] = totalLength;
  c.ipId[r] = (b[off + 4] << 8) | b[off + 5];
  c.fragment[r] = fragment;
  c.ttl[r] = b[off + 8];
  c.protocol[r] = protocol;
  c.src[r] = f.addresses.v4At(b, off + 12);
  c.dst[r] = f.addresses.v4At(b, off + 16);
  let flags = headerLength > 20 ? PacketFlag.IP_OPTIONS : 0;
  if (totalLength === 0 && end - off > headerLength) {
    // The NIC writes each segment's length and L4 checksum; the header checksum as
    // captured (computed over length 0 by Linux BIG TCP) is still verified below.
    flags |= PacketFlag.TSO_LENGTH_ZERO;
    f.l3End = end + f.uncaptured;
  } else if (totalLength < headerLength) {
    c.flags[r] |= flags;
    return f.malformed(`IPv4 total length ${totalLength} < header length ${headerLength}`);
  } else {
    f.l3End = f.ipEnd(off + totalLength, end);
  }
  f.setIpChecksum(checksumValid(sumWords(f, off, off + headerLength)) ? Checksum.GOOD : Checksum.BAD);
  f.addrSum = sumWords(f, off + 12, off + 20);
  if (fragment & 0x1fff) {
    c.flags[r] |= flags | PacketFlag.LATER_FRAGMENT;
    return;
  }
  if (fragment & 0x2000) flags |= PacketFlag.FIRST_FRAGMENT;
  c.flags[r] |= flags;
  handOffIpProtocol(f, protocol, off + headerLength, end);
}

const IP_OPTION_NAMES: Record<number, string> = { 0: "End of Options List", 1: "No-Operation", 7: "Record Route", 68: "Time Stamp", 130: "Security", 131: "Loose Source Route", 137: "Strict Source Route", 148: "Router Alert" };

export function dissectIpv4(d: Dissection, off: number, end: number): void {
  const n = d.layer("ip", "Internet Protocol Version 4", off, 20);
  if (end - off < 20) return d.cut(n, "IPv4 header", off);
  const b = d.b;
  const headerLength = (b[off] & 15) * 4;
  d.field(n, "ip.version", `Version: ${b[off] >> 4}`, b[off] >> 4, off, 1);
  d.field(n, "ip.hdr_len", `Header Length: ${headerLength} bytes (${b[off] & 15})`, headerLength, off, 1);
  const tos = b[off + 1];
  const ds = d.field(n, "ip.dsfield", `Differentiated Services Field: 0x${tos.toString(16).padStart(2, "0")} (DSCP: ${tos >> 2}, ECN: ${tos & 3})`, tos, off + 1, 1);
  d.field(ds, "ip.dsfield.dscp", `Differentiated Services Codepoint: ${tos >> 2}`, tos >> 2, off + 1, 1);
  d.field(ds, "ip.dsfield.ecn", `Explicit Congestion Notification: ${tos & 3}`, tos & 3, off + 1, 1);
  const totalLength = d.uint(n, "ip.len", "Total Length", off + 2, 2, (v) => (v === 0 ? "0 (TSO super-segment: the NIC writes the length)" : String(v)));
  d.uint(n, "ip.id", "Identification", off + 4, 2, (v) => `0x${v.toString(16).padStart(4, "0")} (${v})`);
  const fragment = d.dv.getUint16(off + 6);
  const flags = d.field(n, "ip.flags", `Flags: 0x${(fragment >> 13).toString(16)}${fragment & 0x4000 ? ", Don't fragment" : ""}${fragment & 0x2000 ? ", More fragments" : ""}`, fragment >> 13, off + 6, 1);
  d.field(flags, "ip.flags.df", `Don't fragment: ${fragment & 0x4000 ? "Set" : "Not set"}`, (fragment >> 14) & 1, off + 6, 1);
  d.field(flags, "ip.flags.mf", `More fragments: ${fragment & 0x2000 ? "Set" : "Not set"}`, (fragment >> 13) & 1, off + 6, 1);
  d.field(n, "ip.frag_offset", `Fragment Offset: ${(fragment & 0x1fff) * 8}`, fragment & 0x1fff, off + 6, 2);
  d.uint(n, "ip.ttl", "Time to Live", off + 8, 1);
  const protocol = d.uint(n, "ip.proto", "Protocol", off + 9, 1);
  const valid = headerLength >= 20 && off + headerLength <= end && checksumValid(sumWords(d, off, off + headerLength));
  d.uint(n, "ip.checksum", "Header Checksum", off + 10, 2, (v) => `0x${v.toString(16).padStart(4, "0")} [${valid ? "correct" : "incorrect"}]`);
  const src = `${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  const dst = `${b[off + 16]}.${b[off + 17]}.${b[off + 18]}.${b[off + 19]}`;
  d.field(n, "ip.src", `Source Address: ${src}`, src, off + 12, 4);
  d.field(n, "ip.dst", `Destination Address: ${dst}`, dst, off + 16, 4);
  n.label = `Internet Protocol Version 4, Src: ${src}, Dst: ${dst}`;
  if (headerLength < 20) return void d.field(n, "_ws.malformed", `[Bogus IPv4 header length ${headerLength}]`, "", off, 1);
  n.length = headerLength;
  if (off + headerLength > end) return d.cut(n, "IPv4 options", off + 20);
  if (headerLength > 20) {
    const options = d.field(n, "ip.options", `Options: (${headerLength - 20} bytes)`, headerLength - 20, off + 20, headerLength - 20);
    for (let at = off + 20; at < off + headerLength; ) {
      const type = b[at];
      const length = type <= 1 ? 1 : Math.max(2, b[at + 1] ?? 2);
      d.field(options, "ip.opt.type", `IP Option - ${IP_OPTION_NAMES[type] ?? `Type ${type}`} (${length} bytes)`, type, at, length);
      if (type === 0) break;
      at += length;
    }
  }
  d.addrSum = sumWords(d, off + 12, off + 20);
  d.l3End = totalLength === 0 ? d.b.length : off + totalLength;
  const payloadEnd = Math.min(end, d.l3End);
  if (fragment & 0x1fff) return d.data(off + headerLength, payloadEnd);
  dissectNext(d, dissectorByIpProtocol, protocol, off + headerLength, payloadEnd);
  if (payloadEnd < end) {
    const trailer = d.layer("eth.trailer", `Trailer (${end - payloadEnd} bytes after the IP packet)`, payloadEnd, end - payloadEnd);
    d.field(trailer, "eth.padding", `Padding: ${end - payloadEnd} bytes`, end - payloadEnd, payloadEnd, end - payloadEnd);
  }
}
