// The packet list's Protocol and Info columns, computed on demand for the rows on screen
// (never stored). Info follows Wireshark's one-line summaries, e.g.
// "46739 → 1433 [SYN] Seq=0 Win=5840 Len=0 MSS=1460 SACK_PERM TSval=11322755 TSecr=0 WS=128".
//
// Protocol column rule: ARP for ARP; a well-known port names the application (TCP segments
// with payload: DNS 53, HTTP 80/8080, TLS 443; UDP: DNS 53, DHCP 67/68, NTP 123, QUIC 443,
// SNMP 161/162, MDNS 5353, SSDP 1900; the lower port is tried first), else TCP/UDP; ICMP,
// ICMPv6, GRE, ESP, AH, IGMP, SCTP by IP protocol; IPv4/IPv6 for other IP packets and later
// fragments; "Other" otherwise.

import type { PacketTable } from "../model/packet-table";
import { Checksum, L3, PacketFlag, TcpFlag, l4ChecksumState } from "../model/packet-table";
import { TcpOption, USUAL_OPTION_ORDER } from "./tcp";

const BY_IP_PROTOCOL: Record<number, string> = { 1: "ICMP", 2: "IGMP", 6: "TCP", 17: "UDP", 47: "GRE", 50: "ESP", 51: "AH", 58: "ICMPv6", 132: "SCTP" };
const TCP_APPS: Record<number, string> = { 53: "DNS", 80: "HTTP", 8080: "HTTP", 443: "TLS" };
const UDP_APPS: Record<number, string> = { 53: "DNS", 67: "DHCP", 68: "DHCP", 123: "NTP", 161: "SNMP", 162: "SNMP", 443: "QUIC", 1900: "SSDP", 5353: "MDNS" };

export function protocolName(t: PacketTable, row: number): string {
  const c = t.columns;
  const l3 = c.l3[row];
  if (l3 === L3.ARP) return "ARP";
  if (l3 !== L3.IPV4 && l3 !== L3.IPV6) return "Other";
  const family = l3 === L3.IPV4 ? "IPv4" : "IPv6";
  if (c.flags[row] & PacketFlag.LATER_FRAGMENT) return family;
  const protocol = c.protocol[row];
  const sp = c.srcPort[row];
  const dp = c.dstPort[row];
  if (protocol === 6 && c.payloadLength[row] > 0) {
    const app = TCP_APPS[Math.min(sp, dp)] ?? TCP_APPS[Math.max(sp, dp)];
    if (app) return app;
  }
  if (protocol === 17) {
    const app = UDP_APPS[Math.min(sp, dp)] ?? UDP_APPS[Math.max(sp, dp)];
    if (app) return app;
  }
  return BY_IP_PROTOCOL[protocol] ?? family;
}

/**
 * What a TCP row's Info needs from the rest of its connection, computed as Wireshark does in
 * one pass (9 bytes per row, built only when a view asks):
 * - relative sequence numbers: a direction's base is its SYN's sequence number, or one less
 *   than the first sequence number seen when the capture starts mid-connection (a new SYN
 *   starts over); acknowledgements and SACK edges use the other direction's base;
 * - the window scale: the shift a direction's SYN offered, used only when both SYNs
 *   offered one (-1 when unknown or not in use; SYN windows are never scaled).
 */
export interface TcpContext {
  seqBase: Uint32Array;
  ackBase: Uint32Array;
  windowShift: Int8Array;
}

interface Direction {
  base: number;
  /** -2 unknown (no SYN seen), -1 no scaling, else the shift this direction's SYN offered. */
  shift: number;
}

export function tcpContext(t: PacketTable): TcpContext {
  const c = t.columns;
  const scale = t.optional.tcpWindowScale;
  const seqBase = new Uint32Array(t.count);
  const ackBase = new Uint32Array(t.count);
  const windowShift = new Int8Array(t.count).fill(-1);
  const directions = new Map<string, Direction>();
  const direction = (key: string, base: number): Direction => {
    let d = directions.get(key);
    if (d === undefined) directions.set(key, (d = { base, shift: -2 }));
    return d;
  };
  for (let row = 0; row < t.count; row++) {
    if (c.protocol[row] !== 6 || c.flags[row] & PacketFlag.LATER_FRAGMENT) continue;
    const flags = c.tcpFlags[row];
    const seq = c.seq[row];
    const forward = direction(`${c.src[row]}:${c.srcPort[row]}>${c.dst[row]}:${c.dstPort[row]}`, (seq - 1) >>> 0);
    const reverse = direction(`${c.dst[row]}:${c.dstPort[row]}>${c.src[row]}:${c.srcPort[row]}`, (c.ack[row] - 1) >>> 0);
    if (flags & TcpFlag.SYN) {
      forward.base = seq;
      const offered = scale ? scale[row] : 255;
      forward.shift = offered === 255 ? -1 : Math.min(offered, 14);
      // A SYN-ACK without the option turns scaling off both ways (RFC 7323 §2.2).
      if (flags & TcpFlag.ACK && forward.shift < 0) reverse.shift = -1;
    }
    seqBase[row] = forward.base;
    ackBase[row] = reverse.base;
    if (!(flags & TcpFlag.SYN) && forward.shift >= 0 && reverse.shift >= 0) windowShift[row] = forward.shift;
  }
  return { seqBase, ackBase, windowShift };
}

const FLAG_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];

function tcpFlagText(flags: number): string {
  const names = FLAG_NAMES.filter((_, bit) => flags & (1 << bit));
  return names.length > 0 ? names.join(", ") : "<None>";
}

function tcpInfo(t: PacketTable, row: number, opts: InfoOptions): string {
  const c = t.columns;
  const flags = c.tcpFlags[row];
  const context = opts.tcp;
  const seqBase = context && opts.relative ? context.seqBase[row] : 0;
  const ackBase = context && opts.relative ? context.ackBase[row] : 0;
  const shift = context ? context.windowShift[row] : -1;
  const rel = (value: number, base: number) => (value - base) >>> 0;
  let text = `${c.srcPort[row]} → ${c.dstPort[row]} [${tcpFlagText(flags)}] Seq=${rel(c.seq[row], seqBase)}`;
  if (flags & TcpFlag.ACK) text += ` Ack=${rel(c.ack[row], ackBase)}`;
  text += ` Win=${shift > 0 ? c.window[row] * 2 ** shift : c.window[row]}`;
  if (l4ChecksumState(c.checksums[row]) === Checksum.BAD) text += " [TCP CHECKSUM INCORRECT]";
  text += ` Len=${c.payloadLength[row]}`;
  const order = t.sparse.tcpOptionOrder.get(row) ?? USUAL_OPTION_ORDER;
  for (const kind of order) text += tcpOptionText(t, row, kind, ackBase);
  return text;
}

/** One option's part of the Info line ("" when the row does not carry it). */
function tcpOptionText(t: PacketTable, row: number, kind: number, ackBase: number): string {
  const c = t.columns;
  switch (kind) {
    case TcpOption.MSS: {
      const mss = t.optional.tcpMss?.[row] ?? 0;
      return mss ? ` MSS=${mss}` : "";
    }
    case TcpOption.SACK_PERMITTED:
      return c.flags[row] & PacketFlag.TCP_SACK_PERM ? " SACK_PERM" : "";
    case TcpOption.TIMESTAMPS:
      return c.flags[row] & PacketFlag.TCP_TS ? ` TSval=${c.tsVal[row]} TSecr=${c.tsEcr[row]}` : "";
    case TcpOption.WINDOW_SCALE: {
      const shift = t.optional.tcpWindowScale?.[row] ?? 255;
      return shift === 255 ? "" : ` WS=${2 ** Math.min(shift, 14)}`;
    }
    case TcpOption.SACK: {
      const blocks = t.sparse.sackBlocks.get(row) ?? [];
      let text = "";
      // SACK edges acknowledge the other direction's bytes: relative to the ack base.
      for (let i = 0; i + 1 < blocks.length; i += 2) text += ` SLE=${(blocks[i] - ackBase) >>> 0} SRE=${(blocks[i + 1] - ackBase) >>> 0}`;
      return text;
    }
    default:
      return "";
  }
}

const ICMP_TYPES: Record<number, string> = {
  0: "Echo (ping) reply",
  3: "Destination unreachable",
  4: "Source quench",
  5: "Redirect",
  8: "Echo (ping) request",
  11: "Time-to-live exceeded",
  12: "Parameter problem",
  13: "Timestamp request",
  14: "Timestamp reply",
};
const ICMPV6_TYPES: Record<number, string> = {
  1: "Destination Unreachable",
  2: "Packet Too Big",
  3: "Time Exceeded",
  4: "Parameter Problem",
  128: "Echo (ping) request",
  129: "Echo (ping) reply",
  133: "Router Solicitation",
  134: "Router Advertisement",
  135: "Neighbor Solicitation",
  136: "Neighbor Advertisement",
  137: "Redirect",
};

function icmpInfo(t: PacketTable, row: number, v6: boolean): string {
  const c = t.columns;
  const type = c.srcPort[row] >> 8;
  const code = c.srcPort[row] & 0xff;
  const name = (v6 ? ICMPV6_TYPES : ICMP_TYPES)[type] ?? `Type ${type}, code ${code}`;
  const echo = v6 ? type === 128 || type === 129 : type === 0 || type === 8;
  if (echo && v6) return `${name} id=0x${c.dstPort[row].toString(16).padStart(4, "0")}, seq=${c.seq[row]}, hop limit=${c.ttl[row]}`;
  if (echo) {
    const seq = c.seq[row];
    const swapped = ((seq & 0xff) << 8) | (seq >> 8);
    // Wireshark pads "reply" to line up with "request".
    const gap = type === 0 ? "    " : "  ";
    return `${name}${gap}id=0x${c.dstPort[row].toString(16).padStart(4, "0")}, seq=${seq}/${swapped}, ttl=${c.ttl[row]}`;
  }
  const ndp = t.sparse.ndp.get(row);
  if (ndp?.kind === "router-advertisement") {
    return `${name} lifetime ${ndp.routerLifetime}s${ndp.prefixes?.length ? `, prefix ${ndp.prefixes.join(", ")}` : ""}`;
  }
  if (ndp?.kind === "neighbor-advertisement") {
    const flags = [ndp.router && "rtr", ndp.solicited && "sol", ndp.override && "ovr"].filter(Boolean).join(", ");
    return `${name} ${ndp.target}${flags ? ` (${flags})` : ""}`;
  }
  return code && !echo ? `${name} (code ${code})` : name;
}

export interface InfoOptions {
  /** tcpContext of the same table: windows are then scaled as negotiated. */
  tcp?: TcpContext;
  /** Relative TCP sequence numbers (needs `tcp`). */
  relative?: boolean;
}

/** The Info line of a row; for a tunneled row, of its inner packet (the tunnel is in sparse.tunnel). */
export function infoLine(t: PacketTable, row: number, opts: InfoOptions = {}): string {
  const c = t.columns;
  const l3 = c.l3[row];
  let text: string;
  if (l3 === L3.ARP) text = "ARP";
  else if (l3 !== L3.IPV4 && l3 !== L3.IPV6) text = t.sparse.problems.get(row) ?? `${c.capturedLength[row]} bytes`;
  else if (c.flags[row] & PacketFlag.LATER_FRAGMENT) {
    text = `Fragmented IP protocol (proto=${c.protocol[row]}, off=${(c.fragment[row] & (l3 === L3.IPV4 ? 0x1fff : 0xfff8)) * (l3 === L3.IPV4 ? 8 : 1)}, ID=${c.ipId[row].toString(16).padStart(4, "0")})`;
  } else {
    const protocol = c.protocol[row];
    if (protocol === 6) text = tcpInfo(t, row, opts);
    else if (protocol === 17) text = `${c.srcPort[row]} → ${c.dstPort[row]} Len=${c.payloadLength[row]}`;
    else if (protocol === 1) text = icmpInfo(t, row, false);
    else if (protocol === 58) text = icmpInfo(t, row, true);
    else text = `${BY_IP_PROTOCOL[protocol] ?? `IP protocol ${protocol}`}, ${c.ipLength[row]} bytes`;
  }
  return text;
}
