// What differs between the two copies of a packet: stable per-session rewrites (NAT
// addresses and ports, TTL delta, DSCP, MSS clamp, ISN offset...) versus per-packet
// modifications, and the checksum rule (bad at the sender, good at the receiver = offload).

import { Checksum, L3, PacketFlag, TcpFlag, ipChecksumState, l4ChecksumState, type PacketTable } from "../model/packet-table";
import { isIcmpError } from "./identity";
import type { FieldDiff } from "./types";

/** Counts of one field's (from -> to) values; the usual value is counted without a map lookup. */
class Counter {
  private key: string | number | undefined;
  private n = 0;
  private others: Map<string | number, number> | null = null;
  verdict: { from: string; to: string } | null | undefined;
  /** The verdict's key, when the field counts numeric keys. */
  usualKey: string | number | undefined;

  add(key: string | number): void {
    this.verdict = undefined;
    if (key === this.key) this.n++;
    else if (this.key === undefined) [this.key, this.n] = [key, 1];
    else {
      this.others ??= new Map();
      this.others.set(key, (this.others.get(key) ?? 0) + 1);
    }
  }

  /** The most frequent key, its count, and the total. */
  best(): [string | number | undefined, number, number] {
    let [best, bestCount, total] = [this.key, this.n, this.n];
    for (const [k, n] of this.others ?? []) {
      total += n;
      if (n > bestCount) [best, bestCount] = [k, n];
    }
    return [best, bestCount, total];
  }
}

const REWRITE_FIELDS = ["ttl", "tos", "ip-id", "mss", "window-scale", "tcp-options"] as const;
export type RewriteField = (typeof REWRITE_FIELDS)[number];

/**
 * Counts (from -> to) per field over a session direction, to tell a stable rewrite from a
 * one-off change. Byte fields (TTL, TOS, IP ID kept or not) count numeric keys; SYN-only
 * fields count text. Each field's verdict is computed once. A field's counter is made on its
 * first count: a capture has a tally per session direction, and most never see a SYN field.
 */
export class RewriteTally {
  private ttl: Counter | null = null;
  private tos: Counter | null = null;
  private ipId: Counter | null = null;
  private mss: Counter | null = null;
  private windowScale: Counter | null = null;
  private tcpOptions: Counter | null = null;

  private counter(field: RewriteField): Counter | null {
    switch (field) {
      case "ttl":
        return this.ttl;
      case "tos":
        return this.tos;
      case "ip-id":
        return this.ipId;
      case "mss":
        return this.mss;
      case "window-scale":
        return this.windowScale;
      case "tcp-options":
        return this.tcpOptions;
    }
  }

  private counterToAdd(field: RewriteField): Counter {
    switch (field) {
      case "ttl":
        return (this.ttl ??= new Counter());
      case "tos":
        return (this.tos ??= new Counter());
      case "ip-id":
        return (this.ipId ??= new Counter());
      case "mss":
        return (this.mss ??= new Counter());
      case "window-scale":
        return (this.windowScale ??= new Counter());
      case "tcp-options":
        return (this.tcpOptions ??= new Counter());
    }
  }

  add(field: RewriteField, from: string, to: string): void {
    this.counterToAdd(field).add(`${from}\u0000${to}`);
  }

  /** `from` and `to` under 65536. */
  addSmall(field: RewriteField, from: number, to: number): void {
    this.counterToAdd(field).add(from * 65536 + to);
  }

  /** The (from, to) seen in at least half of the pairs that carry the field, when it is a change. */
  stable(field: RewriteField): { from: string; to: string } | null {
    const counter = this.counter(field);
    if (!counter) return null;
    if (counter.verdict !== undefined) return counter.verdict;
    const [best, bestCount, total] = counter.best();
    let verdict: { from: string; to: string } | null = null;
    if (best !== undefined) {
      const [from, to] = typeof best === "number" ? [String(Math.floor(best / 65536)), String(best % 65536)] : best.split("\u0000");
      if (from !== to && bestCount * 2 >= total) verdict = { from, to };
    }
    counter.verdict = verdict;
    counter.usualKey = best;
    return verdict;
  }

  /** Whether (from, to) is what a byte field (see addSmall) usually does in this direction. */
  usual(field: RewriteField, from: number, to: number): boolean {
    const counter = this.counter(field);
    if (!counter) return from === to;
    if (counter.verdict === undefined) this.stable(field);
    return counter.verdict ? counter.usualKey === from * 65536 + to : from === to;
  }
}

/** Header facts that a path may rewrite on every packet of a session. */
export function tallyRewrites(tally: RewriteTally, ta: PacketTable, s: number, tb: PacketTable, r: number): void {
  const a = ta.columns;
  const b = tb.columns;
  tally.addSmall("ttl", a.ttl[s], b.ttl[r]);
  tally.addSmall("tos", a.tos[s], b.tos[r]);
  // IP ID as 0 = kept, 1 = rewritten: its values change on every packet, whether it is kept or not.
  if (a.l3[s] === L3.IPV4 && b.l3[r] === L3.IPV4) tally.addSmall("ip-id", 0, a.ipId[s] === b.ipId[r] ? 0 : 1);
  if (a.protocol[s] === 6 && a.tcpFlags[s] & TcpFlag.SYN) {
    tally.add("mss", String(ta.optional.tcpMss?.[s] ?? 0), String(tb.optional.tcpMss?.[r] ?? 0));
    tally.add("window-scale", String(ta.optional.tcpWindowScale?.[s] ?? 255), String(tb.optional.tcpWindowScale?.[r] ?? 255));
    tally.add("tcp-options", optionList(ta.optional.tcpOptionKinds?.[s] ?? 0), optionList(tb.optional.tcpOptionKinds?.[r] ?? 0));
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
  tally: RewriteTally,
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
  if (!tally.usual("ttl", a.ttl[s], b.ttl[r])) differ(fields, "ip.ttl", a.ttl[s], b.ttl[r]);
  if (!tally.usual("tos", a.tos[s], b.tos[r])) differ(fields, "ip.dsfield", a.tos[s], b.tos[r]);
  if (sameFamily && a.l3[s] === L3.IPV4 && !tally.stable("ip-id")) differ(fields, "ip.id", a.ipId[s], b.ipId[r]);
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
