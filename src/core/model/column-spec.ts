// The element type of every PacketTable column, so tables (and the builder's chunks) can be
// allocated, grown and concatenated column by column without naming each column twice.

import type { OptionalColumns, PacketColumns } from "./packet-table";

export type ColumnArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;
export type ColumnType = { new (length: number): ColumnArray; new (buffer: ArrayBuffer, byteOffset: number, length: number): ColumnArray; readonly BYTES_PER_ELEMENT: number };

export const COLUMN_TYPES: { readonly [K in keyof PacketColumns]: ColumnType } = {
  tsSec: Uint32Array,
  tsNsec: Uint32Array,
  recordGap: Float64Array,
  capturedLength: Uint32Array,
  originalLength: Uint32Array,
  interfaceId: Uint16Array,
  l3: Uint8Array,
  flags: Uint16Array,
  src: Uint32Array,
  dst: Uint32Array,
  ipId: Uint16Array,
  ttl: Uint8Array,
  tos: Uint8Array,
  ipLength: Uint32Array,
  fragment: Uint16Array,
  protocol: Uint8Array,
  srcPort: Uint16Array,
  dstPort: Uint16Array,
  seq: Uint32Array,
  ack: Uint32Array,
  tcpFlags: Uint16Array,
  window: Uint16Array,
  tsVal: Uint32Array,
  tsEcr: Uint32Array,
  payloadOffset: Uint16Array,
  payloadLength: Uint32Array,
  payloadHash: Uint32Array,
  checksums: Uint8Array,
};

/** Optional columns: element type and the value meaning "absent" that fills rows without one. */
export const OPTIONAL_COLUMN_TYPES: { readonly [K in keyof OptionalColumns]-?: { type: ColumnType; absent: number } } = {
  tcpMss: { type: Uint16Array, absent: 0 },
  tcpWindowScale: { type: Uint8Array, absent: 255 },
  tcpOptionKinds: { type: Uint32Array, absent: 0 },
  vlan: { type: Uint32Array, absent: 0xffffffff },
  mplsLabel: { type: Uint32Array, absent: 0 },
};

/**
 * Columns that a full builder chunk and the finished table store in the narrowest of these
 * types (narrowest first) whose range holds every value of the column (a negative value takes
 * the last type): most captures have record gaps under 256 bytes, frames and IP lengths under
 * 64 KiB, fewer than 65536 addresses, fewer than 256 interfaces, headers under 256 bytes and
 * no AE flag, which saves about 20 bytes/packet.
 */
export const NARROWABLE_COLUMNS: { readonly [K in keyof PacketColumns | keyof OptionalColumns]?: readonly ColumnType[] } = {
  recordGap: [Uint8Array, Uint16Array, Uint32Array, Float64Array],
  interfaceId: [Uint8Array, Uint16Array],
  payloadOffset: [Uint8Array, Uint16Array],
  capturedLength: [Uint16Array, Uint32Array],
  originalLength: [Uint16Array, Uint32Array],
  ipLength: [Uint16Array, Uint32Array],
  payloadLength: [Uint16Array, Uint32Array],
  src: [Uint16Array, Uint32Array],
  dst: [Uint16Array, Uint32Array],
  tcpFlags: [Uint8Array, Uint16Array],
  tcpOptionKinds: [Uint8Array, Uint16Array, Uint32Array],
};

/** The narrowest of `types` (narrowest first) whose largest value is at least `max`; the last one otherwise. */
export function narrowestType(types: readonly ColumnType[], max: number): ColumnType {
  return types.find((type) => max <= largestValue(type)) ?? types[types.length - 1];
}

function largestValue(type: ColumnType): number {
  return type === Float64Array ? Number.MAX_SAFE_INTEGER : 2 ** (8 * type.BYTES_PER_ELEMENT) - 1;
}

export const COLUMN_NAMES = Object.keys(COLUMN_TYPES) as (keyof PacketColumns)[];
export const OPTIONAL_COLUMN_NAMES = Object.keys(OPTIONAL_COLUMN_TYPES) as (keyof OptionalColumns)[];

/**
 * An object with every column's key, to be filled with arrays. It is cloned from the
 * COLUMN_TYPES literal because adding 28 keys one by one would push V8 into dictionary mode,
 * which made every `c.tsSec[r]`-style access a hash lookup (decode took 25-40% more CPU).
 */
export function columnsObject(): Record<keyof PacketColumns, ColumnArray> {
  return { ...COLUMN_TYPES } as unknown as Record<keyof PacketColumns, ColumnArray>;
}

export function allocateColumns(rows: number): PacketColumns {
  const columns = columnsObject();
  for (const name of COLUMN_NAMES) columns[name] = new COLUMN_TYPES[name](rows);
  return columns as unknown as PacketColumns;
}

export function allocateOptional(name: keyof OptionalColumns, rows: number): ColumnArray {
  const spec = OPTIONAL_COLUMN_TYPES[name];
  const column = new spec.type(rows);
  if (spec.absent !== 0) column.fill(spec.absent);
  return column;
}
