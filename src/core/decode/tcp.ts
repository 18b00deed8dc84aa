// TCP (RFC 9293): ports, sequence/ack numbers, flags, window, and the options that matter
// when comparing captures (MSS, window scale, SACK-permitted, SACK blocks, timestamps).

import { PacketFlag } from "../model/packet-table";
import type { Frame } from "./frame";
import { checksumVerdict, finishTransport } from "./transport";
import type { Dissection, FieldNode } from "./field-tree";

export const IP_PROTOCOL_TCP = 6;

export const TcpOption = { EOL: 0, NOP: 1, MSS: 2, WINDOW_SCALE: 3, SACK_PERMITTED: 4, SACK: 5, TIMESTAMPS: 8 } as const;

/**
 * The order Wireshark's Info lists options in is the order in the packet; rows whose
 * options come in another order than this common (Linux) one keep theirs in
 * sparse.tcpOptionOrder.
 */
export const USUAL_OPTION_ORDER = [TcpOption.MSS, TcpOption.SACK_PERMITTED, TcpOption.TIMESTAMPS, TcpOption.WINDOW_SCALE, TcpOption.SACK];
/** Rank of each option kind in USUAL_OPTION_ORDER, -1 for kinds Info does not list. */
const ORDER_RANK = new Int8Array(256).fill(-1);
USUAL_OPTION_ORDER.forEach((kind, rank) => (ORDER_RANK[kind] = rank));

function parseOptions(f: Frame, start: number, stop: number): void {
  const { b, c, r } = f;
  let kinds = 0;
  let flags = 0;
  // Rank in USUAL_OPTION_ORDER of the last listed option seen, to notice another order.
  let lastRank = -1;
  let unusualOrder = false;
  for (let i = start; i < stop; ) {
    const kind = b[i];
    if (kind < 32) kinds |= 1 << kind;
    if (kind === TcpOption.EOL) break;
    if (kind === TcpOption.NOP) {
      i++;
      continue;
    }
    const length = i + 1 < stop ? b[i + 1] : 0;
    if (length < 2 || i + length > stop) {
      f.malformed(`TCP option ${kind} with length ${length} at offset ${i - f.start}`);
      break;
    }
    const rank = ORDER_RANK[kind];
    if (rank >= 0) {
      if (rank < lastRank) unusualOrder = true;
      lastRank = rank;
    }
    if (kind === TcpOption.MSS && length === 4) (f.o.tcpMss ?? f.optional("tcpMss"))[r] = (b[i + 2] << 8) | b[i + 3];
    else if (kind === TcpOption.WINDOW_SCALE && length === 3) (f.o.tcpWindowScale ?? f.optional("tcpWindowScale"))[r] = b[i + 2];
    else if (kind === TcpOption.SACK_PERMITTED) flags |= PacketFlag.TCP_SACK_PERM;
    else if (kind === TcpOption.TIMESTAMPS && length === 10) {
      flags |= PacketFlag.TCP_TS;
      c.tsVal[r] = f.u32(i + 2);
      c.tsEcr[r] = f.u32(i + 6);
    } else if (kind === TcpOption.SACK) {
      const blocks: number[] = [];
      for (let j = i + 2; j + 8 <= i + length; j += 8) blocks.push(f.u32(j), f.u32(j + 4));
      f.sparse.sackBlocks.set(f.row, blocks);
    }
    i += length;
  }
  c.flags[r] |= flags;
  if (kinds !== 0) (f.o.tcpOptionKinds ?? f.optional("tcpOptionKinds"))[r] = kinds >>> 0;
  if (unusualOrder) f.sparse.tcpOptionOrder.set(f.row, listedOptionOrder(b, start, stop));
}

/** Kinds of the options Info lists, in packet order (only for rows in an unusual order). */
function listedOptionOrder(b: Uint8Array, start: number, stop: number): number[] {
  const order: number[] = [];
  for (let i = start; i < stop && b[i] !== TcpOption.EOL; ) {
    if (b[i] === TcpOption.NOP) {
      i++;
      continue;
    }
    if (ORDER_RANK[b[i]] >= 0) order.push(b[i]);
    i += Math.max(2, b[i + 1]);
  }
  return order;
}

export function decodeTcp(f: Frame, off: number, end: number): void {
  const { b, c, r } = f;
  if (end - off < 20) return f.truncated("TCP header needs 20 bytes");
  c.srcPort[r] = (b[off] << 8) | b[off + 1];
  c.dstPort[r] = (b[off + 2] << 8) | b[off + 3];
  c.seq[r] = f.u32(off + 4);
  c.ack[r] = f.u32(off + 8);
  c.tcpFlags[r] = ((b[off + 12] & 1) << 8) | b[off + 13];
  c.window[r] = (b[off + 14] << 8) | b[off + 15];
  const headerLength = (b[off + 12] >> 4) * 4;
  if (headerLength < 20) return f.malformed(`TCP data offset ${headerLength / 4} < 5`);
  if (off + headerLength > end) return f.truncated(`TCP header length ${headerLength} runs past the capture`);
  if (headerLength === 32 && f.u32(off + 20) === NOP_NOP_TIMESTAMPS) timestampsOnly(f, off + 22);
  else if (headerLength > 20) parseOptions(f, off + 20, off + headerLength);
  finishTransport(f, off, off + headerLength, f.l3End, end, IP_PROTOCOL_TCP);
}

/** NOP, NOP, timestamps (kind 8, length 10): the options of nearly every Linux/BSD segment. */
const NOP_NOP_TIMESTAMPS = 0x0101080a;
const NOP_AND_TIMESTAMPS_KINDS = (1 << TcpOption.NOP) | (1 << TcpOption.TIMESTAMPS);

/** The common case of parseOptions, without its loop (`at`: the timestamps option). */
function timestampsOnly(f: Frame, at: number): void {
  const { c, r } = f;
  c.flags[r] |= PacketFlag.TCP_TS;
  c.tsVal[r] = f.u32(at + 2);
  c.tsEcr[r] = f.u32(at + 6);
  (f.o.tcpOptionKinds ?? f.optional("tcpOptionKinds"))[r] = NOP_AND_TIMESTAMPS_KINDS;
}

const OPTION_NAMES: Record<number, string> = { 0: "End of Option List", 1: "No-Operation (NOP)", 2: "Maximum segment size", 3: "Window scale", 4: "SACK permitted", 5: "SACK", 8: "Timestamps", 30: "Multipath TCP", 34: "TCP Fast Open Cookie" };

function dissectOptions(d: Dissection, parent: FieldNode, start: number, stop: number): void {
  const options = d.field(parent, "tcp.options", `Options: (${stop - start} bytes)`, stop - start, start, stop - start);
  for (let i = start; i < stop; ) {
    const kind = d.b[i];
    const length = kind <= TcpOption.NOP ? 1 : i + 1 < stop ? d.b[i + 1] : 0;
    const name = OPTION_NAMES[kind] ?? `Unknown (${kind})`;
    if (kind > TcpOption.NOP && (length < 2 || i + length > stop)) {
      d.field(options, "_ws.malformed", `TCP Option - ${name}: bad length ${length}`, kind, i, stop - i);
      return;
    }
    const option = d.field(options, "tcp.option_kind", `TCP Option - ${name}`, kind, i, length);
    if (kind === TcpOption.MSS && length === 4) d.uint(option, "tcp.options.mss_val", "MSS Value", i + 2, 2);
    else if (kind === TcpOption.WINDOW_SCALE && length === 3) d.uint(option, "tcp.options.wscale.shift", "Shift count", i + 2, 1, (v) => `${v} (multiply by ${2 ** Math.min(v, 14)})`);
    else if (kind === TcpOption.TIMESTAMPS && length === 10) {
      d.uint(option, "tcp.options.timestamp.tsval", "Timestamp value", i + 2, 4);
      d.uint(option, "tcp.options.timestamp.tsecr", "Timestamp echo reply", i + 6, 4);
    } else if (kind === TcpOption.SACK) {
      for (let j = i + 2; j + 8 <= i + length; j += 8) {
        d.uint(option, "tcp.options.sack_le", "left edge", j, 4);
        d.uint(option, "tcp.options.sack_re", "right edge", j + 4, 4);
      }
    }
    if (kind === TcpOption.EOL) return;
    i += length;
  }
}

const FLAG_BITS: [number, string, string][] = [
  [0x100, "tcp.flags.ae", "Accurate ECN"],
  [0x80, "tcp.flags.cwr", "Congestion Window Reduced"],
  [0x40, "tcp.flags.ece", "ECN-Echo"],
  [0x20, "tcp.flags.urg", "Urgent"],
  [0x10, "tcp.flags.ack", "Acknowledgment"],
  [0x08, "tcp.flags.push", "Push"],
  [0x04, "tcp.flags.reset", "Reset"],
  [0x02, "tcp.flags.syn", "Syn"],
  [0x01, "tcp.flags.fin", "Fin"],
];

export function dissectTcp(d: Dissection, off: number, end: number): void {
  const n = d.layer("tcp", "Transmission Control Protocol", off, 20);
  if (end - off < 20) return d.cut(n, "TCP header", off);
  const sp = d.uint(n, "tcp.srcport", "Source Port", off, 2);
  const dp = d.uint(n, "tcp.dstport", "Destination Port", off + 2, 2);
  d.uint(n, "tcp.seq_raw", "Sequence Number (raw)", off + 4, 4);
  d.uint(n, "tcp.ack_raw", "Acknowledgment Number (raw)", off + 8, 4);
  const headerLength = (d.b[off + 12] >> 4) * 4;
  d.field(n, "tcp.hdr_len", `Header Length: ${headerLength} bytes (${headerLength / 4})`, headerLength, off + 12, 1);
  const flags = ((d.b[off + 12] & 1) << 8) | d.b[off + 13];
  const flagNode = d.field(n, "tcp.flags", `Flags: 0x${flags.toString(16).padStart(3, "0")}`, flags, off + 12, 2);
  for (const [bit, name, title] of FLAG_BITS) d.field(flagNode, name, `${title}: ${flags & bit ? "Set" : "Not set"}`, flags & bit ? 1 : 0, off + 12, 2);
  d.uint(n, "tcp.window_size_value", "Window", off + 14, 2);
  const wireEnd = d.l3End;
  n.label = `Transmission Control Protocol, Src Port: ${sp}, Dst Port: ${dp}, Len: ${Math.max(0, wireEnd - off - headerLength)}`;
  if (headerLength < 20) return void d.field(n, "_ws.malformed", `[Bogus TCP header length ${headerLength}]`, "", off + 12, 1);
  if (off + headerLength > end) return d.cut(n, "TCP options", off + 20);
  const verdict = checksumVerdict(d, off, wireEnd, d.b.length, IP_PROTOCOL_TCP);
  d.uint(n, "tcp.checksum", "Checksum", off + 16, 2, (v) => `0x${v.toString(16).padStart(4, "0")} [${verdict}]`);
  d.uint(n, "tcp.urgent_pointer", "Urgent Pointer", off + 18, 2);
  n.length = headerLength;
  if (headerLength > 20) dissectOptions(d, n, off + 20, off + headerLength);
  d.data(off + headerLength, end);
}
