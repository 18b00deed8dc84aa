// What differs between the two copies of a packet: stable per-session rewrites (NAT
// addresses and ports, TTL delta, DSCP, MSS clamp, ISN offset...) versus per-packet
// modifications, and the checksum rule (bad at the sender, good at the receiver = offload).

import { Checksum, L3, PacketFlag, TcpFlag, ipChecksumState, l4ChecksumState, type PacketTable } from "../model/packet-table";
import { isIcmpError } from "./identity";
import type { FieldDiff } from "./types";

/** Counts of one text field's (from -> to) values; the usual value is counted without a map lookup. */
class TextCounter {
  private key: string | undefined;
  private n = 0;
  private others: Map<string, number> | null = null;

  add(key: string): void {
    if (key === this.key) this.n++;
    else if (this.key === undefined) [this.key, this.n] = [key, 1];
    else {
      this.others ??= new Map();
      this.others.set(key, (this.others.get(key) ?? 0) + 1);
    }
  }

  /** The most frequent key (the first seen on ties), its count, and the total. */
  best(): [string | undefined, number, number] {
    let [best, bestCount, total] = [this.key, this.n, this.n];
    for (const [k, n] of this.others ?? []) {
      total += n;
      if (n > bestCount) [best, bestCount] = [k, n];
    }
    return [best, bestCount, total];
  }
}

/** Fields counted as numbers under 65536 (see addSmall), and the SYN-only fields counted as text. */
const BYTE_FIELDS = ["ttl", "tos", "ip-id"] as const;
const TEXT_FIELDS = ["mss", "window-scale", "tcp-options"] as const;
export type ByteField = (typeof BYTE_FIELDS)[number];
export type TextField = (typeof TEXT_FIELDS)[number];
export type RewriteField = ByteField | TextField;

/** Verdict states of a byte field's counter. */
const UNKNOWN = 0;
const UNCHANGED = 1;
const CHANGED = 2;

/**
 * Counts (from -> to) per field and per session direction ("slot"), to tell a stable rewrite
 * from a one-off change. The byte fields of all slots live in typed arrays (their usual key
 * and its count, other keys in a map made on the first disagreement): a capture has a slot
 * per session direction, and objects per slot cost more than the counting. Text fields are
 * counted only on SYNs, in counters made on their first count.
 */
export class RewriteTallies {
  /** Per slot and byte field: first key counted (from * 65536 + to, under 2^32), and its count (0: none yet). */
  private readonly firstKey: Uint32Array;
  private readonly firstCount: Uint32Array;
  private readonly others = new Map<number, Map<number, number>>();
  private readonly state: Uint8Array;
  private readonly usualKey: Uint32Array;
  private readonly text = new Map<number, TextCounter>();

  constructor(slots: number) {
    this.firstKey = new Uint32Array(slots * BYTE_FIELDS.length);
    this.firstCount = new Uint32Array(slots * BYTE_FIELDS.length);
    this.state = new Uint8Array(slots * BYTE_FIELDS.length);
    this.usualKey = new Uint32Array(slots * BYTE_FIELDS.length);
  }

  /** `from` and `to` under 65536. */
  addSmall(slot: number, field: ByteField, from: number, to: number): void {
    const i = slot * BYTE_FIELDS.length + byteIndex(field);
    const key = from * 65536 + to;
    this.state[i] = UNKNOWN;
    if (this.firstCount[i] === 0) {
      this.firstKey[i] = key;
      this.firstCount[i] = 1;
    } else if (key === this.firstKey[i]) this.firstCount[i]++;
    else {
      let more = this.others.get(i);
      if (!more) this.others.set(i, (more = new Map()));
      more.set(key, (more.get(key) ?? 0) + 1);
    }
  }

  add(slot: number, field: TextField, from: string, to: string): void {
    const i = slot * TEXT_FIELDS.length + TEXT_FIELDS.indexOf(field);
    let counter = this.text.get(i);
    if (!counter) this.text.set(i, (counter = new TextCounter()));
    counter.add(`${from}\u0000${to}`);
  }

  /** The (from, to) seen in at least half of the slot's pairs that carry the field, when it is a change. */
  stable(slot: number, field: RewriteField): { from: string; to: string } | null {
    if (field === "ttl" || field === "tos" || field === "ip-id") {
      const i = slot * BYTE_FIELDS.length + byteIndex(field);
      if (this.verdict(i) !== CHANGED) return null;
      return { from: String(Math.floor(this.usualKey[i] / 65536)), to: String(this.usualKey[i] % 65536) };
    }
    const counter = this.text.get(slot * TEXT_FIELDS.length + TEXT_FIELDS.indexOf(field));
    if (!counter) return null;
    const [best, bestCount, total] = counter.best();
    if (best === undefined) return null;
    const [from, to] = best.split("\u0000");
    return from !== to && bestCount * 2 >= total ? { from, to } : null;
  }

  /** Whether a byte field has a stable change in the slot. */
  changes(slot: number, field: ByteField): boolean {
    return this.verdict(slot * BYTE_FIELDS.length + byteIndex(field)) === CHANGED;
  }

  /** Whether (from, to) is what a byte field usually does in the slot. */
  usual(slot: number, field: ByteField, from: number, to: number): boolean {
    const i = slot * BYTE_FIELDS.length + byteIndex(field);
    return this.verdict(i) === CHANGED ? this.usualKey[i] === from * 65536 + to : from === to;
  }

  /** The byte counter's verdict, computed once per run of counts. */
  private verdict(i: number): number {
    if (this.state[i] !== UNKNOWN) return this.state[i];
    if (this.firstCount[i] === 0) return (this.state[i] = UNCHANGED);
    let best = this.firstKey[i];
    let bestCount = this.firstCount[i];
    let total = bestCount;
    for (const [k, n] of this.others.get(i) ?? []) {
      total += n;
      if (n > bestCount) [best, bestCount] = [k, n];
    }
    this.usualKey[i] = best;
    const changed = Math.floor(best / 65536) !== best % 65536 && bestCount * 2 >= total;
    return (this.state[i] = changed ? CHANGED : UNCHANGED);
  }
}

function byteIndex(field: ByteField): number {
  return field === "ttl" ? 0 : field === "tos" ? 1 : 2;
}

/** Header facts that a path may rewrite on every packet of a session; `slot` is the session direction's. */
export function tallyRewrites(tallies: RewriteTallies, slot: number, ta: PacketTable, s: number, tb: PacketTable, r: number): void {
  const a = ta.columns;
  const b = tb.columns;
  tallies.addSmall(slot, "ttl", a.ttl[s], b.ttl[r]);
  tallies.addSmall(slot, "tos", a.tos[s], b.tos[r]);
  // IP ID as 0 = kept, 1 = rewritten: its values change on every packet, whether it is kept or not.
  if (a.l3[s] === L3.IPV4 && b.l3[r] === L3.IPV4) tallies.addSmall(slot, "ip-id", 0, a.ipId[s] === b.ipId[r] ? 0 : 1);
  if (a.protocol[s] === 6 && a.tcpFlags[s] & TcpFlag.SYN) {
    tallies.add(slot, "mss", String(ta.optional.tcpMss?.[s] ?? 0), String(tb.optional.tcpMss?.[r] ?? 0));
    tallies.add(slot, "window-scale", String(ta.optional.tcpWindowScale?.[s] ?? 255), String(tb.optional.tcpWindowScale?.[r] ?? 255));
    tallies.add(slot, "tcp-options", optionList(ta.optional.tcpOptionKinds?.[s] ?? 0), optionList(tb.optional.tcpOptionKinds?.[r] ?? 0));
  }
}

function optionList(bits: number): string {
  const kinds: number[] = [];
  for (let k = 0; k < 32; k++) if (bits & (1 << k)) kinds.push(k);
  return kinds.join(",") || "none";
}

const checksumName = ["unverified", "good", "bad", "absent"];

function differ(fields: FieldDiff[], field: string, x: number, y: number): void {
  if (x !== y) fields.push({ field, a: String(x), b: String(y) });
}

/**
 * Per-packet differences of a one-to-one pair (s at the sender, r at the receiver), beyond
 * the direction's stable rewrites, appended to `fields`. `seqOffset`/`ackOffset` map the
 * sender's sequence space onto the receiver's (ISN rewriting firewalls). Returns true for a
 * checksum that is bad at the sender and good at the receiver: offload at the sender.
 */
export function comparePair(
  ts: PacketTable,
  s: number,
  tr: PacketTable,
  r: number,
  tallies: RewriteTallies,
  slot: number,
  seqOffset: number,
  ackOffset: number,
  fields: FieldDiff[],
): boolean {
  const a = ts.columns;
  const b = tr.columns;
  const sameFamily = a.l3[s] === b.l3[r];
  if (sameFamily && !(a.flags[s] & PacketFlag.TSO_LENGTH_ZERO) && !(b.flags[r] & PacketFlag.TSO_LENGTH_ZERO)) differ(fields, "ip.len", a.ipLength[s], b.ipLength[r]);
  const proto = a.protocol[s];
  const lengthField = proto === 6 ? "tcp.len" : proto === 17 ? "udp.length" : "payload.length";
  differ(fields, lengthField, a.payloadLength[s], b.payloadLength[r]);
  const completeS = a.capturedLength[s] >= a.originalLength[s];
  const completeR = b.capturedLength[r] >= b.originalLength[r];
  // An ICMP error quotes the packet with the addresses of its own side of the NAT: those bytes differ by design.
  const quotes = (proto === 1 || proto === 58) && isIcmpError(proto, a.srcPort[s] >> 8);
  const payloadChanged =
    a.payloadLength[s] !== b.payloadLength[r] || (completeS && completeR && !quotes && a.payloadHash[s] !== b.payloadHash[r]);
  if (a.payloadLength[s] === b.payloadLength[r] && payloadChanged) fields.push({ field: "payload", a: "bytes as sent", b: "different bytes" });
  if (!tallies.usual(slot, "ttl", a.ttl[s], b.ttl[r])) differ(fields, "ip.ttl", a.ttl[s], b.ttl[r]);
  if (!tallies.usual(slot, "tos", a.tos[s], b.tos[r])) differ(fields, "ip.dsfield", a.tos[s], b.tos[r]);
  if (sameFamily && a.l3[s] === L3.IPV4 && !tallies.changes(slot, "ip-id")) differ(fields, "ip.id", a.ipId[s], b.ipId[r]);
  if (proto === 6) {
    differ(fields, "tcp.flags", a.tcpFlags[s], b.tcpFlags[r]);
    differ(fields, "tcp.seq", (a.seq[s] + seqOffset) >>> 0, b.seq[r]);
    if (a.tcpFlags[s] & TcpFlag.ACK) differ(fields, "tcp.ack", (a.ack[s] + ackOffset) >>> 0, b.ack[r]);
    differ(fields, "tcp.window_size_value", a.window[s], b.window[r]);
    if (a.flags[s] & b.flags[r] & PacketFlag.TCP_TS) {
      differ(fields, "tcp.options.timestamp.tsval", a.tsVal[s], b.tsVal[r]);
      differ(fields, "tcp.options.timestamp.tsecr", a.tsEcr[s], b.tsEcr[r]);
    }
  }
  const l4Name = proto === 6 ? "tcp.checksum" : proto === 17 ? "udp.checksum" : "icmp.checksum";
  const l4S = l4ChecksumState(a.checksums[s]);
  const l4R = l4ChecksumState(b.checksums[r]);
  const ipS = ipChecksumState(a.checksums[s]);
  const ipR = ipChecksumState(b.checksums[r]);
  const offload = (l4S === Checksum.BAD && l4R === Checksum.GOOD) || (ipS === Checksum.BAD && ipR === Checksum.GOOD);
  // Good at the sender and bad at the receiver is corruption on the way, never offload.
  if (l4S === Checksum.GOOD && l4R === Checksum.BAD) fields.push({ field: l4Name, a: "good", b: "bad" });
  if (ipS === Checksum.GOOD && ipR === Checksum.BAD) fields.push({ field: "ip.checksum", a: "good", b: "bad" });
  if (payloadChanged && l4S === Checksum.GOOD && l4R === Checksum.GOOD) {
    fields.push({ field: l4Name, a: checksumName[l4S], b: "good, recomputed for the new contents" });
  }
  return offload;
}
