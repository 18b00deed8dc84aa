// A RecordSink that decodes each record straight into typed-array columns and finishes a
// PacketTable. Rows go into chunks of growing size (no per-packet objects); a full chunk keeps
// the columns of NARROWABLE_COLUMNS in the narrowest array type their values fit, and finish()
// concatenates column by column into that type, freeing each column's chunks as it goes, so
// peak memory stays near the final table's size. Like originalLength (an alias of
// capturedLength when no frame was cut), columns that are zero on every row share one buffer.

import type { ByteSource, CaptureInterfaceInfo, PacketRecord, ReadError, ReadOptions, ReadSummary, RecordSink } from "../formats/types";
import { openCapture } from "../formats/index";
import type { OptionalColumns, PacketColumns, PacketTable, SparseFacts } from "./packet-table";
import { PacketFlag } from "./packet-table";
import { allocateColumns, columnsObject, COLUMN_NAMES, COLUMN_TYPES, NARROWABLE_COLUMNS, narrowestType, OPTIONAL_COLUMN_NAMES, OPTIONAL_COLUMN_TYPES, type ColumnArray, type ColumnType } from "./column-spec";
import { AddressInterner } from "../decode/addresses";
import { Frame, noOptionalColumns } from "../decode/frame";
import { byLinkType, type LayerDecoder } from "../decode/registry";
import "../decode/handoffs";

const FIRST_CHUNK_ROWS = 1024;
const MAX_CHUNK_ROWS = 65536;

interface Chunk {
  /** A column that is zero on every row of the chunk is left out (freed) once the chunk is full. */
  columns: Partial<Record<keyof PacketColumns, ColumnArray>>;
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
  private readonly frame: Frame;
  private count = 0;
  /** Set once some row's original length differs from its captured length. */
  private lengthsDiffer = false;

  constructor() {
    this.frame = new Frame(this.newChunkColumns(FIRST_CHUNK_ROWS), this.addresses, this.sparse);
  }

  /** Chunk columns; originalLength shares capturedLength's array until a row differs. */
  private newChunkColumns(rows: number): PacketColumns {
    const columns = allocateColumns(rows);
    columns.originalLength = columns.capturedLength;
    return columns;
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
    if (f.r === c.tsSec.length) {
      this.chunks.push({ columns: narrowed(withoutZeroColumns(c, f.r), f.r), optional: narrowed(f.o, f.r), rows: f.r });
      c = f.c = this.newChunkColumns(Math.min(c.tsSec.length * 2, MAX_CHUNK_ROWS));
      f.o = noOptionalColumns();
      f.r = 0;
    }
    const r = f.r;
    f.row = this.count;
    c.tsSec[r] = rec.tsSec;
    c.tsNsec[r] = rec.tsNsec;
    c.fileOffset[r] = rec.fileOffset;
    c.capturedLength[r] = rec.capturedLength;
    if (c.originalLength !== c.capturedLength) c.originalLength[r] = rec.originalLength;
    else if (rec.originalLength !== rec.capturedLength) this.splitOriginalLength(c, r, rec.originalLength);
    c.interfaceId[r] = rec.interfaceId;
    const meta = rec.meta;
    if (meta !== undefined && (meta.epbFlags !== undefined || meta.noTimestamp || meta.comments?.length || meta.notes?.length)) {
      c.flags[r] = PacketFlag.HAS_META;
      this.sparse.meta.set(this.count, { ...meta });
    }
    const decode = this.linkDecoders[rec.interfaceId];
    if (decode !== undefined) {
      const uncaptured = rec.originalLength > rec.capturedLength ? rec.originalLength - rec.capturedLength : 0;
      f.load(rec.data, uncaptured);
      const fcs = this.fcsLengths[rec.interfaceId];
      decode(f, 0, rec.data.length - (fcs > 0 && uncaptured === 0 ? fcs : 0));
    }
    f.r = r + 1;
    this.count++;
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
    const chunks = [...this.chunks, { columns: f.c, optional: f.o, rows: f.r }];
    this.chunks.length = 0;
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
      const max = narrowable === undefined ? undefined : Math.max(...chunks.map((chunk) => largest(chunk.columns[name], chunk.rows)));
      types[name] = narrowable === undefined || max === undefined ? COLUMN_TYPES[name] : narrowestType(narrowable, max);
      if (max === undefined ? chunks.every((chunk) => allZero(chunk.columns[name], chunk.rows)) : max === 0) {
        zeroColumns.push(name);
        for (const chunk of chunkColumns) chunk[name] = undefined;
        continue;
      }
      const whole = new types[name](count);
      let at = 0;
      chunks.forEach((chunk, k) => {
        const part = chunk.columns[name];
        if (part !== undefined) whole.set(part.subarray(0, chunk.rows), at);
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
    return {
      file: facts.file,
      format: facts.format,
      compression: facts.compression,
      fileBytes: facts.fileBytes,
      count,
      interfaces: this.interfaces,
      addresses: this.addresses.table,
      columns: columns as unknown as PacketColumns,
      optional: optional as OptionalColumns,
      sparse: this.sparse,
      errors: this.errors,
      notes: facts.notes,
    };
  }
}

/** Largest value in the first `rows` rows; 0 for a column left out as all zero. */
function largest(column: ColumnArray | undefined, rows: number): number {
  let max = 0;
  if (column !== undefined) for (let i = 0; i < rows; i++) if (column[i] > max) max = column[i];
  return max;
}

function allZero(column: ColumnArray | undefined, rows: number): boolean {
  if (column === undefined) return true;
  for (let i = 0; i < rows; i++) if (column[i] !== 0) return false;
  return true;
}

/** A full chunk's columns without those that are zero on all its rows, so reading holds about what the table will. */
function withoutZeroColumns(columns: PacketColumns, rows: number): Chunk["columns"] {
  const kept: Chunk["columns"] = columnsObject();
  for (const name of COLUMN_NAMES) kept[name] = allZero(columns[name], rows) ? undefined : columns[name];
  return kept;
}

/**
 * A full chunk with its NARROWABLE_COLUMNS copied into the narrowest type their values fit,
 * so the rows read so far cost about what they will in the table (the peak while reading).
 */
function narrowed<T extends Partial<Record<keyof PacketColumns | keyof OptionalColumns, ColumnArray>>>(columns: T, rows: number): T {
  // originalLength may be an alias of capturedLength: it stays one.
  const aliased = columns.originalLength !== undefined && columns.originalLength === columns.capturedLength;
  for (const [name, types] of Object.entries(NARROWABLE_COLUMNS) as [keyof T, ColumnType[]][]) {
    const column = columns[name] as ColumnArray | undefined;
    if (column === undefined || (aliased && name === "originalLength")) continue;
    const type = narrowestType(types, largest(column, rows));
    if (column instanceof type) continue;
    const copy = new type(rows);
    copy.set(column.subarray(0, rows));
    columns[name] = copy as T[keyof T];
  }
  if (aliased) columns.originalLength = columns.capturedLength;
  return columns;
}

/** Reads and decodes a whole capture into a PacketTable. */
export async function readPacketTable(source: ByteSource, opts: ReadOptions = {}): Promise<PacketTable> {
  const builder = new PacketTableBuilder();
  const summary = await openCapture(source, builder, opts);
  return builder.finish(summary);
}
