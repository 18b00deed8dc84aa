// PacketTable: one capture's decoded packets as a struct of typed-array columns, so a
// million packets cost a few tens of MB and can be transferred between workers whole.
// Row i is frame number i + 1. Every column has exactly `count` rows.

import type { CaptureInterfaceInfo, CaptureFormat, Compression, ReadError } from "../formats/types";

/** Network layer of a row (column `l3`). */
export const L3 = {
  NONE: 0,
  ARP: 1,
  IPV4: 4,
  IPV6: 6,
  OTHER: 255,
} as const;

/** Bits of column `flags`. */
export const PacketFlag = {
  /** IPv4/IPv6 fragment with offset 0 and more fragments: L4 header decoded. */
  FIRST_FRAGMENT: 1 << 0,
  /** Non-first fragment: no L4 header; ports/seq are 0. */
  LATER_FRAGMENT: 1 << 1,
  /** Decoded from inside a tunnel (VXLAN, GENEVE, GRE, ERSPAN): the columns describe the inner packet. */
  TUNNELED: 1 << 2,
  /** At least one 802.1Q/802.1ad tag (ids in optional column `vlan`). */
  VLAN: 1 << 3,
  MPLS: 1 << 4,
  /** The frame ended before a header the decoder expected (snaplen or a broken length field). */
  TRUNCATED: 1 << 5,
  /** A header field is impossible (bad IHL, bad data offset...): decoding stopped there. */
  MALFORMED: 1 << 6,
  /** TCP timestamps option present: tsVal/tsEcr are valid. */
  TCP_TS: 1 << 7,
  /** TCP SACK-permitted option present. */
  TCP_SACK_PERM: 1 << 8,
  /** IP total length 0 on a TCP/IPv4 packet longer than the header: a sender-side TSO super-segment. */
  TSO_LENGTH_ZERO: 1 << 9,
  /** IPv4 header has options / IPv6 has extension headers before the L4 header. */
  IP_OPTIONS: 1 << 10,
  /** Frame carries a comment or other PacketMeta (see `meta`). */
  HAS_META: 1 << 11,
} as const;

/** Two-bit checksum states; column `checksums` packs IP in bits 0-1 and L4 in bits 2-3. */
export const Checksum = {
  UNVERIFIED: 0,
  GOOD: 1,
  BAD: 2,
  /** Field is zero (UDP over IPv4: no checksum) or the frame is truncated. */
  ABSENT: 3,
} as const;

export function ipChecksumState(checksums: number): number {
  return checksums & 3;
}
export function l4ChecksumState(checksums: number): number {
  return (checksums >> 2) & 3;
}

/** TCP flag bits as in the header's 9-bit field (FIN = 1 ... CWR = 0x80, AE/NS = 0x100). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
  AE: 0x100,
} as const;

/** Interned network addresses. Id 0 is "no address". */
export interface AddressTable {
  /** Wireshark's text form: "192.168.1.1", "2001:db8::1" (RFC 5952). */
  text: string[];
  /** 4 or 6 per id (0 for id 0). */
  family: number[];
}

/**
 * Columns with a union type are stored in the narrowest of those types that holds all their
 * values (PacketTableBuilder.finish): index them, never rely on one array type.
 */
export interface PacketColumns {
  /** Seconds since the Unix epoch, UTC. */
  tsSec: Uint32Array;
  /** Nanoseconds within the second. */
  tsNsec: Uint32Array;
  /**
   * Where the row's record starts in the (decompressed) stream, less where the previous row's
   * captured bytes end (its start plus capturedLength): a pcap record header's 16 bytes, a
   * pcapng block's header and trailer. 0 on rows that start a checkpoint, negative if the
   * format stores records out of order. Read file offsets with fileOffset(), not from here:
   * this costs 1 byte per packet instead of 4-8 for whole offsets.
   */
  recordGap: Uint8Array | Uint16Array | Uint32Array | Float64Array;
  capturedLength: Uint16Array | Uint32Array;
  originalLength: Uint16Array | Uint32Array;
  /** Index into PacketTable.interfaces (which gives the link type). */
  interfaceId: Uint8Array | Uint16Array;
  /** L3 value. */
  l3: Uint8Array;
  /** PacketFlag bits. */
  flags: Uint16Array;
  /** AddressTable ids of the (inner) network source and destination; 0 when there is no IP. */
  src: Uint16Array | Uint32Array;
  dst: Uint16Array | Uint32Array;
  /** IPv4 identification; IPv6: low 16 bits of the fragment header's identification, else 0. */
  ipId: Uint16Array;
  /** TTL / hop limit. */
  ttl: Uint8Array;
  /** IPv4 TOS byte / IPv6 traffic class: DSCP << 2 | ECN. */
  tos: Uint8Array;
  /** IPv4 total length field as on the wire (0 for TSO super-segments); IPv6: payload length + 40. */
  ipLength: Uint16Array | Uint32Array;
  /** IPv4 flags + fragment offset (raw 16 bits); IPv6 fragment header offset | M bit, else 0. */
  fragment: Uint16Array;
  /** Final IP protocol number (after IPv6 extension headers): 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6... */
  protocol: Uint8Array;
  /** TCP/UDP ports. ICMP/ICMPv6: srcPort = type << 8 | code, dstPort = echo identifier (else 0). */
  srcPort: Uint16Array;
  dstPort: Uint16Array;
  /** TCP sequence number (absolute); ICMP echo: sequence number. */
  seq: Uint32Array;
  /** TCP acknowledgement number (absolute). */
  ack: Uint32Array;
  /** TcpFlag bits. */
  tcpFlags: Uint8Array | Uint16Array;
  /** TCP window field as on the wire (unscaled). */
  window: Uint16Array;
  /** TCP timestamps option (valid when flags has TCP_TS). */
  tsVal: Uint32Array;
  tsEcr: Uint32Array;
  /** Offset of the L4 payload within the captured bytes. */
  payloadOffset: Uint8Array | Uint16Array;
  /** L4 payload length from the headers (IP length minus headers); may exceed what was captured. */
  payloadLength: Uint16Array | Uint32Array;
  /** 32-bit hash of the captured L4 payload bytes (0 for an empty payload). */
  payloadHash: Uint32Array;
  /** Checksum states, see Checksum. */
  checksums: Uint8Array;
}

/** Columns that most captures do not need; allocated (full length) only when some row has a value. */
export interface OptionalColumns {
  /** TCP MSS option value, 0 = absent. */
  tcpMss?: Uint16Array;
  /** TCP window scale shift, 255 = absent. */
  tcpWindowScale?: Uint8Array;
  /** Bit k set when TCP option kind k (< 32) is present: to see options stripped or added. */
  tcpOptionKinds?: Uint8Array | Uint16Array | Uint32Array;
  /** Outer VLAN id << 16 | inner VLAN id (12 bits each); 0xffff in a half = no tag there. */
  vlan?: Uint32Array;
  /** MPLS top label. */
  mplsLabel?: Uint32Array;
}

/** Facts kept for a few rows only, keyed by row index. */
export interface SparseFacts {
  /** SACK blocks: [left0, right0, left1, right1, ...]. */
  sackBlocks: Map<number, number[]>;
  /** Outer headers of tunneled packets, e.g. "VXLAN VNI 123, 10.0.0.1 → 10.0.0.2". */
  tunnel: Map<number, string>;
  /** Comments, epb_flags, Windows metadata from the file. */
  meta: Map<number, import("../formats/types").PacketMeta>;
  /** ICMPv6 router/neighbour advertisement facts (SCENARIOS S9). */
  ndp: Map<number, NdpFacts>;
  /** First decode problem of a MALFORMED/TRUNCATED row, e.g. "TCP data offset 3 < 5". */
  problems: Map<number, string>;
  /**
   * TCP option kinds (MSS 2, WS 3, SACK_PERM 4, SACK 5, TS 8) in packet order, kept only for
   * rows whose order differs from the usual MSS, SACK_PERM, TS, WS, SACK (the Info line lists
   * options in packet order, as Wireshark does).
   */
  tcpOptionOrder: Map<number, number[]>;
}

export interface NdpFacts {
  kind: "router-advertisement" | "neighbor-advertisement";
  /** RA: router lifetime in seconds (0 = "I am not a default router any more"). */
  routerLifetime?: number;
  /** RA: advertised prefixes as "2001:db8::/64". */
  prefixes?: string[];
  /** NA: target address and the R/S/O flags. */
  target?: string;
  router?: boolean;
  solicited?: boolean;
  override?: boolean;
}

export interface PacketTable {
  file: string;
  /** "unknown" when no reader recognised the file (the errors say why; count is 0). */
  format: CaptureFormat | "unknown";
  compression: Compression;
  fileBytes: number;
  count: number;
  interfaces: CaptureInterfaceInfo[];
  addresses: AddressTable;
  columns: PacketColumns;
  /** File offset of every OFFSET_CHECKPOINT_ROWS-th row (0, 64, 128...): see fileOffset(). */
  offsetCheckpoints: Float64Array;
  optional: OptionalColumns;
  sparse: SparseFacts;
  errors: ReadError[];
  notes: string[];
}

/** Row timestamp as nanoseconds since the epoch (exact). */
export function timestampNs(t: PacketTable, row: number): bigint {
  return BigInt(t.columns.tsSec[row]) * 1_000_000_000n + BigInt(t.columns.tsNsec[row]);
}

/** Row timestamp in seconds relative to `baseSec` (float; ns-exact for spans under ~100 days). */
export function relativeSeconds(t: PacketTable, row: number, baseSec: number): number {
  return t.columns.tsSec[row] - baseSec + t.columns.tsNsec[row] * 1e-9;
}

/** Rows between two whole file offsets kept in PacketTable.offsetCheckpoints (a power of 2). */
export const OFFSET_CHECKPOINT_ROWS = 64;

/** Offset of row `row`'s record in the (decompressed) stream, to re-read its bytes on demand. */
export function fileOffset(t: PacketTable, row: number): number {
  const c = t.columns;
  const first = row & -OFFSET_CHECKPOINT_ROWS;
  let offset = t.offsetCheckpoints[first / OFFSET_CHECKPOINT_ROWS];
  for (let r = first + 1; r <= row; r++) offset += c.capturedLength[r - 1] + c.recordGap[r];
  return offset;
}
