// A RecordSink that decodes each record straight into typed-array columns and finishes a
// PacketTable. Rows are decoded into one set of full-width scratch columns (no per-packet
// objects); when it is full, the chunk's rows are copied out, each column in the narrowest
// array type its values fit (NARROWABLE_COLUMNS) and all-zero columns left out, and the
// scratch is cleared for the next chunk. finish() concatenates column by column into the
// narrowest type, freeing each column's chunks as it goes, so peak memory stays near the
// final table's size. Like originalLength (an alias of capturedLength when no frame was cut),
// columns that are zero on every row share one buffer.

import type { ByteSource, CaptureInterfaceInfo, PacketRecord, ReadError, ReadOptions, ReadSummary, RecordSink } from "../formats/types";
import { openCapture } from "../formats/index";
import type { OptionalColumns, PacketColumns, PacketTable, SparseFacts } from "./packet-table";
import { OFFSET_CHECKPOINT_ROWS, PacketFlag } from "./packet-table";
import { allocateColumns, columnsObject, COLUMN_NAMES, COLUMN_TYPES, NARROWABLE_COLUMNS, narrowestType, OPTIONAL_COLUMN_NAMES, OPTIONAL_COLUMN_TYPES, type ColumnArray, type ColumnType } from "./column-spec";
import { AddressInterner } from "../decode/addresses";
import { Frame, noOptionalColumns } from "../decode/frame";
import { byLinkType, type LayerDecoder } from "../decode/registry";
import "../decode/handoffs";

const FIRST_CHUNK_ROWS = 1024;
/**
 * The scratch columns' rows once grown: 83 bytes each (2.7 MB), live all along while reading.
 * Chunks this long copy out into columns of 32-256 KB: after reading the diff benchmark's two
 * files, 15 MB less stayed resident than with 8192-row chunks, whose many small freed columns
 * the C allocator kept (same decode speed; 65536-row chunks decoded 3% slower).
 */
const MAX_CHUNK_ROWS = 32768;

interface Chunk {
  /** Exactly `rows` long; a column that is zero on every row of the chunk is left out. */
  columns: Partial<Record<keyof PacketColumns, ColumnArray>>;
  /** Largest value of each narrowable column in the chunk (see `largest`), to choose the table's type without a second scan. */
  largest: Partial<Record<keyof PacketColumns, number>>;
  optional: OptionalColumns;
  rows: number;
}

export type TableFacts = Pick<ReadSummary, "file" | "format" | "compression" | "fileBytes" | "notes">;

export function emptySparseFacts(): SparseFacts {
  return {
    sackBlocks: new Map(),
    tunnel: new Map(),
    meta: new Map(),
    ndp: new Map(),
    problems: new Map(),
    tcpOptionOrder: new Map(),
  };
}

export class PacketTableBuilder implements RecordSink {
  private readonly interfaces: CaptureInterfaceInfo[] = [];
  private readonly linkDecoders: (LayerDecoder | undefined)[] = [];
  private readonly fcsLengths: number[] = [];
  private readonly errors: ReadError[] = [];
  private readonly addresses = new AddressInterner();
  private readonly sparse = emptySparseFacts();
  private readonly chunks: Chunk[] = [];
  private readonly offsetCheckpoints: number[] = [];
  /** Stream offset just past the previous row's captured bytes (recordGap counts from there). */
  private recordEnd = 0;
  private readonly frame: Frame;
  private count = 0;
  /** Set once some row's original length differs from its captured length. */
  private lengthsDiffer = false;

  constructor() {
    this.frame = new Frame(scratchColumns(FIRST_CHUNK_ROWS), this.addresses, this.sparse);
  }

  addInterface(id: number, info: CaptureInterfaceInfo): void {
    this.interfaces[id] = info;
    this.linkDecoders[id] = byLinkType.get(info.linkType);
    this.fcsLengths[id] = info.fcsLength;
  }

  error(err: ReadError): void {
    this.errors.push(err);
  }

  record(rec: PacketRecord): void {
    const f = this.frame;
    let c = f.c;
    if (f.r === c.tsSec.length) c = this.nextChunk();
    const r = f.r;
    const row = this.count;
    f.row = row;
    c.tsSec[r] = rec.tsSec;
    c.tsNsec[r] = rec.tsNsec;
    if ((row & (OFFSET_CHECKPOINT_ROWS - 1)) === 0) this.offsetCheckpoints.push(rec.fileOffset);
    else c.recordGap[r] = rec.fileOffset - this.recordEnd;
    this.recordEnd = rec.fileOffset + rec.capturedLength;
    c.capturedLength[r] = rec.capturedLength;
    if (c.originalLength !== c.capturedLength) c.originalLength[r] = rec.originalLength;
    else if (rec.originalLength !== rec.capturedLength) this.splitOriginalLength(c, r, rec.originalLength);
    c.interfaceId[r] = rec.interfaceId;
    const meta = rec.meta;
    if (meta !== undefined && (meta.epbFlags !== undefined || meta.noTimestamp || meta.comments?.length || meta.notes?.length)) {
      c.flags[r] = PacketFlag.HAS_META;
      this.sparse.meta.set(row, { ...meta });
    }
    const decode = this.linkDecoders[rec.interfaceId];
    if (decode !== undefined) {
      const uncaptured = rec.originalLength > rec.capturedLength ? rec.originalLength - rec.capturedLength : 0;
      // Decode in the reader's window when it offers one: no view per packet.
      const window = rec.window;
      const start = window === undefined ? 0 : rec.dataStart!;
      const bytes = window === undefined ? rec.data : window;
      const end = window === undefined ? bytes.length : start + rec.capturedLength;
      f.load(bytes, start, uncaptured);
      const fcs = this.fcsLengths[rec.interfaceId];
      decode(f, start, end - (fcs > 0 && uncaptured === 0 ? fcs : 0));
    }
    f.r = r + 1;
    this.count++;
  }

  /** Copies the full scratch chunk out and clears the scratch (replaces it by a larger one while chunks grow). */
  private nextChunk(): PacketColumns {
    const f = this.frame;
    const scratch = f.c;
    this.chunks.push(chunkOf(scratch, f.o, f.r));
    const rows = Math.min(scratch.tsSec.length * 2, MAX_CHUNK_ROWS);
    if (rows > scratch.tsSec.length) f.c = scratchColumns(rows);
    else clearScratch(scratch);
    f.o = noOptionalColumns();
    f.r = 0;
    return f.c;
  }

  /** First row of a chunk whose original length differs: the chunk gets its own column. */
  private splitOriginalLength(c: PacketColumns, r: number, length: number): void {
    c.originalLength = new Uint32Array(c.capturedLength.length);
    c.originalLength.set(c.capturedLength.subarray(0, r));
    c.originalLength[r] = length;
    this.lengthsDiffer = true;
  }

  /** Ends the table; the builder must not be used afterwards. */
  finish(facts: TableFacts): PacketTable {
    const f = this.frame;
    const chunks = this.chunks;
    chunks.push(chunkOf(f.c, f.o, f.r));
    f.release(allocateColumns(0));
    const count = this.count;
    const columns = columnsObject();
    const chunkColumns = chunks.map((chunk) => chunk.columns);
    // Without any truncated row, originalLength stays an alias of capturedLength.
    if (!this.lengthsDiffer) for (const chunk of chunkColumns) chunk.originalLength = undefined;
    const zeroColumns: (keyof PacketColumns)[] = [];
    const types: Partial<Record<keyof PacketColumns, ColumnType>> = {};
    for (const name of COLUMN_NAMES) {
      if (name === "originalLength" && !this.lengthsDiffer) continue;
      const narrowable = NARROWABLE_COLUMNS[name];
      const max = narrowable === undefined ? undefined : Math.max(0, ...chunks.map((chunk) => chunk.largest[name]!));
      types[name] = narrowable === undefined || max === undefined ? COLUMN_TYPES[name] : narrowestType(narrowable, max);
      if (max === 0 || chunkColumns.every((chunk) => chunk[name] === undefined)) {
        zeroColumns.push(name);
        for (const chunk of chunkColumns) chunk[name] = undefined;
        continue;
      }
      const whole = new types[name](count);
      let at = 0;
      chunks.forEach((chunk, k) => {
        const part = chunk.columns[name];
        if (part !== undefined) whole.set(part, at);
        at += chunk.rows;
        // Drop the chunk's copy now, so the peak holds at most one column twice.
        chunkColumns[k][name] = undefined;
      });
      columns[name] = whole;
    }
    // Columns with no value at all (no TCP timestamps, one interface, no TCP...) share one zeroed buffer.
    if (zeroColumns.length > 0) {
      const zeros = new ArrayBuffer(count * Math.max(...zeroColumns.map((name) => types[name]!.BYTES_PER_ELEMENT)));
      for (const name of zeroColumns) columns[name] = new types[name]!(zeros, 0, count);
    }
    if (!this.lengthsDiffer) columns.originalLength = columns.capturedLength;
    const optional: Record<string, ColumnArray> = {};
    for (const name of OPTIONAL_COLUMN_NAMES) {
      if (!chunks.some((chunk) => chunk.optional[name] !== undefined)) continue;
      const spec = OPTIONAL_COLUMN_TYPES[name];
      const narrowable = NARROWABLE_COLUMNS[name];
      const type =
        narrowable === undefined
          ? spec.type
          : narrowestType(narrowable, Math.max(spec.absent, ...chunks.map((chunk) => largest(chunk.optional[name], chunk.rows))));
      const whole = new type(count);
      if (spec.absent !== 0) whole.fill(spec.absent);
      let at = 0;
      for (const chunk of chunks) {
        const part = chunk.optional[name];
        if (part !== undefined) whole.set(part.subarray(0, chunk.rows), at);
        at += chunk.rows;
      }
      optional[name] = whole;
    }
    chunks.length = 0;
    return {
      file: facts.file,
      format: facts.format,
      compression: facts.compression,
      fileBytes: facts.fileBytes,
      count,
      interfaces: this.interfaces,
      addresses: this.addresses.table,
      columns: columns as unknown as PacketColumns,
      offsetCheckpoints: Float64Array.from(this.offsetCheckpoints),
      optional: optional as OptionalColumns,
      sparse: this.sparse,
      errors: this.errors,
      notes: facts.notes,
    };
  }
}

/** Zeroed full-width columns for decoding into; originalLength shares capturedLength's array until a row differs. */
function scratchColumns(rows: number): PacketColumns {
  const columns = allocateColumns(rows);
  columns.originalLength = columns.capturedLength;
  return columns;
}

/** Zeroes the scratch columns for the next chunk (decoders leave fields they do not see at 0). */
function clearScratch(scratch: PacketColumns): void {
  scratch.originalLength = scratch.capturedLength;
  for (const name of COLUMN_NAMES) if (name !== "originalLength") scratch[name].fill(0);
}

/**
 * The first `rows` rows of the scratch columns, copied into arrays of exactly that length and
 * of the narrowest type their values fit, so the rows read so far cost about what they will
 * in the table (the peak while reading); all-zero columns are left out.
 */
function chunkOf(scratch: PacketColumns, optional: OptionalColumns, rows: number): Chunk {
  const columns: Chunk["columns"] = columnsObject();
  const max: Chunk["largest"] = {};
  // originalLength may be an alias of capturedLength: it stays one.
  const aliased = scratch.originalLength === scratch.capturedLength;
  for (const name of COLUMN_NAMES) {
    if (aliased && name === "originalLength") continue;
    const column = scratch[name];
    const narrowable = NARROWABLE_COLUMNS[name];
    if (narrowable === undefined) {
      // Same type: a plain memory copy.
      columns[name] = allZero(column, rows) ? undefined : column.slice(0, rows);
      continue;
    }
    max[name] = largest(column, rows);
    columns[name] = max[name] === 0 ? undefined : copyOf(column, rows, narrowestType(narrowable, max[name]));
  }
  if (aliased) {
    columns.originalLength = columns.capturedLength;
    max.originalLength = max.capturedLength;
  }
  return { columns, largest: max, optional: narrowed(optional, rows), rows };
}

/**
 * Largest value in the first `rows` rows; 0 for no column. A negative value (only recordGap
 * can have one) gives Infinity, which no type but a column's widest holds.
 */
function largest(column: ColumnArray | undefined, rows: number): number {
  let max = 0;
  if (column === undefined) return max;
  for (let i = 0; i < rows; i++) {
    const value = column[i];
    if (value > max) max = value;
    else if (value < 0) return Infinity;
  }
  return max;
}

/** True when the first `rows` rows are all 0 (stops at the first that is not, unlike `largest`). */
function allZero(column: ColumnArray, rows: number): boolean {
  for (let i = 0; i < rows; i++) if (column[i] !== 0) return false;
  return true;
}

function copyOf(column: ColumnArray, rows: number, type: ColumnType): ColumnArray {
  const copy = new type(rows);
  copy.set(column.subarray(0, rows));
  return copy;
}

/** A full chunk's optional columns, those of NARROWABLE_COLUMNS copied into the narrowest type their values fit. */
function narrowed(columns: OptionalColumns, rows: number): OptionalColumns {
  for (const name of OPTIONAL_COLUMN_NAMES) {
    const column = columns[name];
    const types = NARROWABLE_COLUMNS[name];
    if (column === undefined || types === undefined) continue;
    const type = narrowestType(types, largest(column, rows));
    if (!(column instanceof type)) (columns as Record<string, ColumnArray>)[name] = copyOf(column, rows, type);
  }
  return columns;
}

/** Reads and decodes a whole capture into a PacketTable. */
export async function readPacketTable(source: ByteSource, opts: ReadOptions = {}): Promise<PacketTable> {
  const builder = new PacketTableBuilder();
  const summary = await openCapture(source, builder, opts);
  return builder.finish(summary);
}
