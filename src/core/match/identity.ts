// Packet identities: hashes of the fields that survive a path through NAT, routers and
// proxies (payload, TCP flags and timestamps, IP ID, ICMP echo sequence), never of the
// fields that middleboxes rewrite (addresses, ports, TTL, checksums, DSCP/ECN, MSS).

import { PacketFlag, type PacketTable } from "../model/packet-table";

/** An identity is a 52-bit integer held in a double: two 32-bit hash lanes, one cut to 20 bits. */
export type Identity = number;

function mix(h: number, v: number): number {
  let k = Math.imul(v | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Folds the first `count` 32-bit values into one Identity (two independently seeded lanes). */
export function identityOf(values: ArrayLike<number>, count = values.length): Identity {
  let h1 = 0x9747b28c;
  let h2 = 0x1b56c4e9;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    h1 = mix(h1, v);
    h2 = mix(h2, v ^ 0x5bd1e995);
  }
  return finish(h1) * 0x100000 + (finish(h2) & 0xfffff);
}

/** ICMP and ICMPv6 echo types mapped onto one numbering, so NAT64 pairs compare equal. */
export function normalisedIcmpType(protocol: number, type: number): number {
  if (protocol !== 58) return type;
  if (type === 128) return 8;
  if (type === 129) return 0;
  return 1000 + type;
}

/** ICMP / ICMPv6 error messages (they quote the packet that caused them). */
export function isIcmpError(protocol: number, type: number): boolean {
  return protocol === 1 ? type === 3 || type === 4 || type === 5 || type === 11 || type === 12 : type >= 1 && type <= 4;
}

/** Protocol class shared by both families: ICMPv6 compares with ICMP. */
function protocolClass(protocol: number): number {
  return protocol === 58 ? 1 : protocol;
}

/** Reused for every row: identities are computed a million times per capture. */
const scratch: number[] = new Array(16).fill(0);

/**
 * Writes into `scratch` the fields of a row that identify the packet wherever it is seen,
 * and returns how many. `withIpId` adds the IP ID (strong, but rewritten by some NATs and
 * absent in IPv6); `withPayload` adds payload length and hash (left out to find copies whose
 * payload a middlebox changed).
 */
function identityFields(t: PacketTable, row: number, withIpId: boolean, withPayload: boolean): number {
  const c = t.columns;
  const protocol = c.protocol[row];
  let n = 0;
  scratch[n++] = protocolClass(protocol);
  // A truncated capture hashes only part of the payload, so the hash would differ between two snap lengths.
  const complete = c.capturedLength[row] >= c.originalLength[row] && !(c.flags[row] & PacketFlag.TRUNCATED);
  // ICMP errors quote the offending packet with the addresses of their side of the NAT: leave the quote's bytes out.
  const quotes = (protocol === 1 || protocol === 58) && isIcmpError(protocol, c.srcPort[row] >> 8);
  if (withPayload) {
    scratch[n++] = c.payloadLength[row];
    scratch[n++] = complete && !quotes ? c.payloadHash[row] : 0;
  }
  if (withIpId) scratch[n++] = c.ipId[row];
  if (protocol === 6) {
    scratch[n++] = c.tcpFlags[row];
    // Without the payload's bytes, full-size segments only differ by where they sit in the stream.
    if (withPayload && !complete && c.payloadLength[row] > 0) {
      scratch[n++] = c.seq[row];
      scratch[n++] = c.ack[row];
    }
    if (c.flags[row] & PacketFlag.TCP_TS) {
      scratch[n++] = c.tsVal[row];
      scratch[n++] = c.tsEcr[row];
    }
  } else if (protocol === 1 || protocol === 58) {
    const type = normalisedIcmpType(protocol, c.srcPort[row] >> 8);
    scratch[n++] = type;
    scratch[n++] = c.srcPort[row] & 0xff;
    if (type === 0 || type === 8) scratch[n++] = c.seq[row];
  }
  return n;
}

/** Exact identity (with IP ID and payload): the first and strongest way to pair two copies. */
export function exactIdentity(t: PacketTable, row: number): Identity {
  return identityOf(scratch, identityFields(t, row, true, true));
}

/** Identity without the IP ID: for paths that rewrite it, and for NAT64 (IPv6 has none). */
export function looseIdentity(t: PacketTable, row: number): Identity {
  return identityOf(scratch, identityFields(t, row, false, true));
}

/** An identity that says nothing about which flow a packet belongs to: it casts no vote. */
export const NO_VOTE = -1;

/**
 * The identity without IP ID of a row that can tell its flow apart, for voting on flow pairs;
 * NO_VOTE for a row with neither payload nor TCP timestamps (a bare SYN or ACK then looks
 * the same in every connection, and would pair unrelated flows).
 */
export function looseVotingIdentity(t: PacketTable, row: number): Identity {
  const distinctive = t.columns.payloadLength[row] > 0 || (t.columns.flags[row] & PacketFlag.TCP_TS) !== 0;
  return distinctive ? looseIdentity(t, row) : NO_VOTE;
}

/** Identity without the IP ID, plus a TCP segment's place in the stream (seq/ack in the other side's space). */
export function looseIdentityAt(t: PacketTable, row: number, seq: number, ack: number): Identity {
  let n = identityFields(t, row, false, true);
  scratch[n++] = seq;
  scratch[n++] = ack;
  return identityOf(scratch, n);
}

/** Value `get` returns for an identity not in an IdentityMap. */
export const ABSENT = -1;

/** Int32 slots per IdentityMap entry: key's high lane, key's low 20 bits, value. */
const STRIDE = 3;

/**
 * Identity -> non-negative integer, open addressing over one typed array: a JavaScript Map
 * keyed by 52-bit doubles boxes every key, which costs more than the matching itself at a
 * million rows. Each entry's key and value sit side by side so a probe touches one cache line.
 * `clear` empties a map for reuse: the matcher needs one per session direction and pass,
 * thousands in a large diff, and allocating each anew was 100 MB of arrays and the
 * collections they cause.
 */
export class IdentityMap {
  private slots = new Int32Array(0);
  private mask = 0;
  size = 0;

  constructor(expected: number) {
    this.clear(expected);
  }

  /** Empties the map, sized for `expected` keys (its array is kept when large enough). */
  clear(expected: number): void {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    if (this.slots.length < capacity * STRIDE) this.slots = new Int32Array(capacity * STRIDE);
    // A slot is empty when its value is ABSENT: one fill of the whole region marks them all.
    this.slots.fill(ABSENT, 0, capacity * STRIDE);
    this.mask = capacity - 1;
    this.size = 0;
  }

  /** Offset of the key's entry, or of the empty entry where it would go. */
  private slot(hi: number, lo: number): number {
    const slots = this.slots;
    let i = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask;
    let at = i * STRIDE;
    while (slots[at + 2] !== ABSENT && (slots[at] !== hi || slots[at + 1] !== lo)) {
      i = (i + 1) & this.mask;
      at = i * STRIDE;
    }
    return at;
  }

  /** Keys are non-negative integers below 2^52 (identities, sequence numbers). */
  get(key: Identity): number {
    // The low 20 bits by subtraction: `key % 0x100000` on a double is a floating-point remainder call.
    const high = Math.floor(key / 0x100000);
    return this.slots[this.slot(high | 0, key - high * 0x100000) + 2];
  }

  /** `value` must be >= 0, or a caller's negative marker other than ABSENT. */
  set(key: Identity, value: number): void {
    const high = Math.floor(key / 0x100000);
    const hi = high | 0;
    const lo = key - high * 0x100000;
    const at = this.slot(hi, lo);
    if (this.slots[at + 2] === ABSENT) {
      this.slots[at] = hi;
      this.slots[at + 1] = lo;
      this.size++;
      if (this.size * 2 > this.mask + 1) {
        this.slots[at + 2] = value;
        this.rehash();
        return;
      }
    }
    this.slots[at + 2] = value;
  }

  private rehash(): void {
    const old = this.slots.slice(0, (this.mask + 1) * STRIDE);
    this.clear(this.size);
    for (let k = 0; k < old.length; k += STRIDE) {
      if (old[k + 2] === ABSENT) continue;
      const at = this.slot(old[k], old[k + 1]);
      this.slots[at] = old[k];
      this.slots[at + 1] = old[k + 1];
      this.slots[at + 2] = old[k + 2];
      this.size++;
    }
  }
}
