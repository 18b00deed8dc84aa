// Test support (Node only): reading tshark's per-packet goldens (fixtures/expected/tshark,
// made by fixtures/expected/make-tshark.sh) and comparing a PacketTable row with one.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { memorySource } from "../core/formats/memory-source";
import { readPacketTable } from "../core/model/packet-table-builder";
import { Checksum, PacketFlag, type PacketTable } from "../core/model/packet-table";

export const tsharkGoldenDir = join(__dirname, "../../fixtures/expected/tshark");

/** Files under `dir` whose names end with `suffix`. */
export function filesEnding(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesEnding(path, suffix) : name.endsWith(suffix) ? [path] : [];
  });
}

/**
 * tshark 4.0 lists pcapng custom blocks as frames (no time, protocol "data"); they are not
 * packets (capinfos does not count them), so they are dropped before comparing.
 */
export function packetsOnly(rows: GoldenRow[]): GoldenRow[] {
  return rows.filter((g) => !(g["frame.time_epoch"] === "" && g["frame.protocols"] === "data"));
}

/** Captures whose whole-frame golden is replaced by a golden of their inner packet (see make-tshark.sh). */
export function hasInnerGolden(golden: string): boolean {
  return existsSync(golden.replace(/\.tsv$/, ".inner.tsv"));
}

export type GoldenRow = Record<string, string>;

export function readGolden(path: string): GoldenRow[] {
  const [header, ...lines] = readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0);
  const names = header.split("\t");
  return lines.map((line) => {
    const cells = line.split("\t");
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""]));
  });
}

/** The k-th value of a field tshark printed once per occurrence, comma-separated. */
function nth(value: string, k: number): string {
  return value === "" ? "" : (value.split(",")[k] ?? "");
}

const TUNNELS = new Set(["vxlan", "geneve", "erspan", "gre"]);
const TRANSPORTS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };
/** tshark's checksum status values (Wireshark's proto_checksum_enum_e) in Parallax terms. */
const TSHARK_CHECKSUM: Record<string, number> = { "0": Checksum.BAD, "1": Checksum.GOOD, "2": Checksum.UNVERIFIED, "3": Checksum.ABSENT };

/**
 * Which layers of tshark's frame.protocols Parallax's row describes: the last IP header
 * before any ICMP (an ICMP error quotes the packet it is about), unless a tunnel after it
 * carries a frame with no IP inside (then the row is the tunnel's non-IP inner frame).
 */
function describedLayers(protocols: string) {
  const layers = protocols.split(":");
  const firstIcmp = layers.findIndex((l) => l === "icmp" || l === "icmpv6");
  const stop = firstIcmp < 0 ? layers.length : firstIcmp;
  let ip = -1;
  for (let i = 0; i < stop; i++) if (layers[i] === "ip" || layers[i] === "ipv6") ip = i;
  const count = (name: string, before: number) => layers.slice(0, before).filter((l) => l === name).length;
  const tunnelAfter =
    ip >= 0 &&
    layers.some((l, i) => i > ip && TUNNELS.has(l) && ["eth", "ip", "ipv6"].includes(layers[i + 1] === "erspan" ? layers[i + 2] : layers[i + 1]));
  if (ip < 0 || tunnelAfter) return { ip: undefined, tunnelAfter };
  const family = layers[ip];
  let transport: string | undefined;
  let transportAt = -1;
  for (let i = ip + 1; i < layers.length; i++) {
    if (layers[i] in TRANSPORTS) {
      transport = layers[i];
      transportAt = i;
      break;
    }
    if (layers[i] === "ip" || layers[i] === "ipv6") break;
  }
  return {
    ip: { family, k: count(family, ip) },
    transport: transport && { name: transport, k: count(transport, transportAt) },
    tunnelAfter,
  };
}

/** Lists every difference between a table row and tshark's line for it. */
export function compareRow(t: PacketTable, row: number, g: GoldenRow): string[] {
  const c = t.columns;
  const text = t.addresses.text;
  const diffs: string[] = [];
  const truncated = Number(g["frame.cap_len"]) < Number(g["frame.len"]);
  /** tshark leaves a checksum it cannot see whole unverified; Parallax says ABSENT (see Checksum). */
  const checksum = (status: string) => (status === "2" && truncated ? Checksum.ABSENT : TSHARK_CHECKSUM[status]);
  const check = (field: string, ours: string | number, theirs: string | number) => {
    if (String(ours) !== String(theirs)) diffs.push(`frame ${row + 1} ${field}: ours ${ours}, tshark ${theirs}`);
  };
  // Files with timestamps that do not fit (pre-1970, nanoseconds >= 1e9, SPB without any) are
  // the readers' tests' business: tshark prints them in ways no column can hold.
  if (/^\d{1,10}\.\d{9}$/.test(g["frame.time_epoch"])) {
    check("time", `${c.tsSec[row]}.${String(c.tsNsec[row]).padStart(9, "0")}`, g["frame.time_epoch"]);
  }
  check("frame.len", c.originalLength[row], g["frame.len"]);
  check("frame.cap_len", c.capturedLength[row], g["frame.cap_len"]);
  const d = describedLayers(g["frame.protocols"]);
  if (d.tunnelAfter) check("tunneled", c.flags[row] & PacketFlag.TUNNELED, PacketFlag.TUNNELED);
  if (!d.ip) {
    check("src", text[c.src[row]], "");
    return diffs;
  }
  const k = d.ip.k;
  const v4 = d.ip.family === "ip";
  const theirs = (name: string) => nth(g[name], k);
  check("src", text[c.src[row]], theirs(v4 ? "ip.src" : "ipv6.src"));
  check("dst", text[c.dst[row]], theirs(v4 ? "ip.dst" : "ipv6.dst"));
  check("ttl", c.ttl[row], theirs(v4 ? "ip.ttl" : "ipv6.hlim"));
  check("tos", c.tos[row], Number(theirs(v4 ? "ip.dsfield" : "ipv6.tclass")));
  const tso = (c.flags[row] & PacketFlag.TSO_LENGTH_ZERO) !== 0;
  if (v4) {
    check("ip.id", c.ipId[row], Number(theirs("ip.id")));
    // For a TSO super-segment tshark prints the length it presumes, not the 0 on the wire.
    if (!tso) check("ip.len", c.ipLength[row], theirs("ip.len"));
    check("ip.flags", c.fragment[row] >> 13, Number(theirs("ip.flags")));
    check("ip.frag_offset", c.fragment[row] & 0x1fff, theirs("ip.frag_offset"));
    if (!d.tunnelAfter) check("ip.checksum", c.checksums[row] & 3, checksum(theirs("ip.checksum.status")));
  } else {
    check("ipv6.plen", c.ipLength[row] - 40, theirs("ipv6.plen"));
  }
  const tr = d.transport;
  if (!tr) {
    if (v4) check("protocol", c.protocol[row], theirs("ip.proto"));
    return diffs;
  }
  check("protocol", c.protocol[row], TRANSPORTS[tr.name]);
  const at = (name: string) => nth(g[name], tr.k);
  const l4Checksum = (c.checksums[row] >> 2) & 3;
  if (tr.name === "tcp") {
    check("tcp.srcport", c.srcPort[row], at("tcp.srcport"));
    check("tcp.dstport", c.dstPort[row], at("tcp.dstport"));
    check("tcp.flags", c.tcpFlags[row], Number(at("tcp.flags")));
    check("tcp.seq_raw", c.seq[row], at("tcp.seq_raw"));
    check("tcp.ack_raw", c.ack[row], at("tcp.ack_raw"));
    check("tcp.window", c.window[row], at("tcp.window_size_value"));
    check("tcp.len", c.payloadLength[row], at("tcp.len"));
    if (!tso) check("tcp.checksum", l4Checksum, checksum(at("tcp.checksum.status")));
    check("tcp.mss", t.optional.tcpMss?.[row] || "", at("tcp.options.mss_val"));
    const ws = t.optional.tcpWindowScale?.[row] ?? 255;
    check("tcp.wscale", ws === 255 ? "" : ws, at("tcp.options.wscale.shift"));
    const ts = (c.flags[row] & PacketFlag.TCP_TS) !== 0;
    check("tcp.tsval", ts ? c.tsVal[row] : "", at("tcp.options.timestamp.tsval"));
    check("tcp.tsecr", ts ? c.tsEcr[row] : "", at("tcp.options.timestamp.tsecr"));
  } else if (tr.name === "udp") {
    check("udp.srcport", c.srcPort[row], at("udp.srcport"));
    check("udp.dstport", c.dstPort[row], at("udp.dstport"));
    check("udp.length", c.payloadLength[row] + 8, at("udp.length"));
    check("udp.checksum", l4Checksum, checksum(at("udp.checksum.status")));
  } else {
    const p = tr.name;
    check(`${p}.type`, c.srcPort[row] >> 8, at(`${p}.type`));
    check(`${p}.code`, c.srcPort[row] & 0xff, at(`${p}.code`));
    const ident = p === "icmp" ? at("icmp.ident") : at("icmpv6.echo.identifier");
    if (ident !== "") {
      check(`${p}.ident`, c.dstPort[row], Number(ident));
      check(`${p}.seq`, c.seq[row], Number(p === "icmp" ? at("icmp.seq") : at("icmpv6.echo.sequence_number")));
    }
    check(`${p}.checksum`, l4Checksum, checksum(at(`${p}.checksum.status`)));
  }
  const vlans = g["vlan.id"].split(",").filter(Boolean);
  if (vlans.length > 0) {
    const tags = t.optional.vlan?.[row] ?? 0xffffffff;
    check("vlan.id", (tags & 0xffff) !== 0xffff ? tags & 0xffff : tags >>> 16, vlans[vlans.length - 1]);
  }
  if (g["mpls.label"] !== "") check("mpls.label", t.optional.mplsLabel?.[row] ?? "", nth(g["mpls.label"], 0));
  return diffs;
}

export async function tableOf(path: string): Promise<PacketTable> {
  return readPacketTable(memorySource(new Uint8Array(readFileSync(path)), path));
}

