// Interns network addresses into the PacketTable's AddressTable: each distinct address is
// formatted to text once, and rows store a small integer id instead of a string.

import type { AddressTable } from "../model/packet-table";

const V4_CACHE_SIZE = 1024;

export class AddressInterner {
  readonly table: AddressTable = { text: [""], family: [0] };
  private readonly v4 = new Map<number, number>();
  /** A small direct-mapped cache in front of the v4 Map: most packets repeat recent addresses. */
  private readonly v4CacheKeys = new Int32Array(V4_CACHE_SIZE);
  private readonly v4CacheIds = new Uint32Array(V4_CACHE_SIZE);
  /** IPv6 by a 32-bit mix of the 16 bytes; hits are confirmed against the stored bytes. */
  private readonly v6 = new Map<number, number>();
  private readonly v6Collisions = new Map<string, number>();
  private v6Bytes = new Uint8Array(16 * 64);

  /** Id of the IPv4 address at b[off..off+4). */
  v4At(b: Uint8Array, off: number): number {
    // A signed 32-bit key stays a small integer in V8, which a Map hashes fastest.
    const key = (b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3];
    const slot = (key ^ (key >>> 12) ^ (key >>> 24)) & (V4_CACHE_SIZE - 1);
    // Id 0 is never an address, so an empty slot never matches.
    if (this.v4CacheKeys[slot] === key && this.v4CacheIds[slot] !== 0) return this.v4CacheIds[slot];
    let id = this.v4.get(key);
    if (id === undefined) {
      id = this.add(`${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`, 4);
      this.v4.set(key, id);
    }
    this.v4CacheKeys[slot] = key;
    this.v4CacheIds[slot] = id;
    return id;
  }

  /** Id of the IPv6 address at b[off..off+16). */
  v6At(b: Uint8Array, off: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < 16; i++) h = Math.imul(h ^ b[off + i], 0x01000193);
    const id = this.v6.get(h);
    if (id !== undefined && this.sameV6(id, b, off)) return id;
    if (id !== undefined) {
      const hex = Array.from(b.subarray(off, off + 16), (x) => x.toString(16).padStart(2, "0")).join("");
      const other = this.v6Collisions.get(hex);
      if (other !== undefined) return other;
      const fresh = this.addV6(b, off);
      this.v6Collisions.set(hex, fresh);
      return fresh;
    }
    const fresh = this.addV6(b, off);
    this.v6.set(h, fresh);
    return fresh;
  }

  private sameV6(id: number, b: Uint8Array, off: number): boolean {
    const at = id * 16;
    for (let i = 0; i < 16; i++) if (this.v6Bytes[at + i] !== b[off + i]) return false;
    return true;
  }

  private addV6(b: Uint8Array, off: number): number {
    const id = this.add(formatIpv6(b, off), 6);
    if ((id + 1) * 16 > this.v6Bytes.length) {
      // Ids are shared with IPv4 addresses, so the first IPv6 id can be far past the end.
      const grown = new Uint8Array(Math.max(this.v6Bytes.length * 2, (id + 1) * 16));
      grown.set(this.v6Bytes);
      this.v6Bytes = grown;
    }
    this.v6Bytes.set(b.subarray(off, off + 16), id * 16);
    return id;
  }

  private add(text: string, family: number): number {
    this.table.text.push(text);
    this.table.family.push(family);
    return this.table.text.length - 1;
  }
}

/** RFC 5952 text (as Wireshark prints it): longest run of 2+ zero groups as "::", IPv4-mapped tail dotted. */
export function formatIpv6(b: Uint8Array, off: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${b[off + 12]}.${b[off + 13]}.${b[off + 14]}.${b[off + 15]}`;
  }
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(":");
  return `${hex.slice(0, bestAt).join(":")}::${hex.slice(bestAt + bestLen).join(":")}`;
}
