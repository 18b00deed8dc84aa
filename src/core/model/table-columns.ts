// The table's columns while a capture is read: each is one array as long as the rows the file
// is expected to hold, in the narrowest type the values so far fit (NARROWABLE_COLUMNS), and
// is filled chunk by chunk from the decoder's full-width scratch columns. The row count is
// estimated from the stream's size and the bytes per row of the latest chunk, so each value is
// copied once: copying chunks out and concatenating them at the end touched twice the table's
// size in new memory, and first touches of memory are what cost (~180 ms per copy of a 1 GB
// capture's columns on a 2-core VM).

import type { OptionalColumns, PacketColumns } from "./packet-table";
import { noOptionalColumns } from "../decode/frame";
import { COLUMN_NAMES, COLUMN_TYPES, columnsObject, NARROWABLE_COLUMNS, narrowestType, OPTIONAL_COLUMN_NAMES, OPTIONAL_COLUMN_TYPES, type ColumnArray, type ColumnType } from "./column-spec";

type ColumnName = keyof PacketColumns;
type OptionalName = keyof OptionalColumns;

/** Growth when the estimate is unknown or too low (a compressed stream is larger than its file). */
const GROWTH = 1.5;
/**
 * Early estimates rest on few rows: beyond this many rows (about 250 MB of columns, not touched
 * until written), columns are made at most MAX_RESIZE_FACTOR times the rows so far at once.
 * Smaller steps for every file cost 45 ms on the 1 GB benchmark file (five resizes).
 */
const UNCAPPED_ROWS = 1 << 22;
const MAX_RESIZE_FACTOR = 64;
/** Headroom over the estimated row count, for files whose packets grow smaller towards the end. */
const ESTIMATE_HEADROOM = 1.03;
/**
 * Unused rows at the end of a finished column are kept up to this fraction of it (memory the
 * system has not handed out, as those rows were never written); more are copied away.
 */
const MAX_SLACK = 1 / 16;

export class TableColumns {
  /** Rows appended so far. */
  rows = 0;
  private capacity = 0;
  /** How far into the stream the rows so far reach. */
  private streamOffset = 0;
  /** undefined while every row so far is 0; originalLength while it equals capturedLength. */
  private readonly columns: Record<ColumnName, ColumnArray | undefined> = columnsObject();
  private readonly optional = noOptionalColumns() as Record<OptionalName, ColumnArray | undefined>;
  /** Set once some row's original length differs from its captured length. */
  private lengthsDiffer = false;

  /** `streamBytes`: size of the stream the rows come from (NaN or 0 when unknown). */
  constructor(private readonly streamBytes: number) {
    for (const name of COLUMN_NAMES) this.columns[name] = undefined;
  }

  /**
   * Appends the first `n` rows of the scratch columns; `streamOffset` is how far into the stream
   * those rows reach. originalLength is an alias of capturedLength in chunks where no frame was cut.
   */
  append(scratch: PacketColumns, optional: OptionalColumns, n: number, streamOffset: number): void {
    const at = this.rows;
    this.reserve(at + n, streamOffset);
    for (const name of COLUMN_NAMES) {
      const column = scratch[name];
      if (name === "originalLength" && !this.lengthsDiffer) {
        if (column === scratch.capturedLength) continue;
        this.startOriginalLength(at);
      }
      const max = NARROWABLE_COLUMNS[name] === undefined ? (allZero(column, n) ? 0 : 1) : largest(column, n);
      // The table's rows are 0 until written.
      if (max !== 0) this.columns[name] = this.write(this.columns[name], typesOf(name), 0, max, column, n, at);
    }
    for (const name of OPTIONAL_COLUMN_NAMES) {
      const column = optional[name];
      if (column === undefined) continue;
      const spec = OPTIONAL_COLUMN_TYPES[name];
      const max = Math.max(spec.absent, largest(column, n));
      this.optional[name] = this.write(this.optional[name], NARROWABLE_COLUMNS[name] ?? [spec.type], spec.absent, max, column, n, at);
    }
    this.rows = at + n;
  }

  /** The finished columns, each exactly `rows` long; columns that are 0 on every row share one buffer. */
  finish(): { columns: PacketColumns; optional: OptionalColumns } {
    const rows = this.rows;
    const copy = this.capacity - rows > this.capacity * MAX_SLACK;
    const exact = (column: ColumnArray) => (copy ? column.slice(0, rows) : column.subarray(0, rows));
    const columns = columnsObject();
    const zeroColumns: ColumnName[] = [];
    for (const name of COLUMN_NAMES) {
      if (name === "originalLength" && !this.lengthsDiffer) continue;
      const column = this.columns[name];
      if (column === undefined) zeroColumns.push(name);
      else columns[name] = exact(column);
      // Dropped as soon as copied, so the peak holds at most one column twice.
      this.columns[name] = undefined;
    }
    const zeroType = (name: ColumnName) => typesOf(name)[0];
    if (zeroColumns.length > 0) {
      const zeros = new ArrayBuffer(rows * Math.max(...zeroColumns.map((name) => zeroType(name).BYTES_PER_ELEMENT)));
      for (const name of zeroColumns) columns[name] = new (zeroType(name))(zeros, 0, rows);
    }
    if (!this.lengthsDiffer) columns.originalLength = columns.capturedLength;
    const optional: Record<string, ColumnArray> = {};
    for (const name of OPTIONAL_COLUMN_NAMES) {
      const column = this.optional[name];
      if (column !== undefined) optional[name] = exact(column);
      this.optional[name] = undefined;
    }
    return { columns: columns as unknown as PacketColumns, optional: optional as OptionalColumns };
  }

  /**
   * Makes room for `rows` rows and for as many as the stream is now expected to hold: the rows so
   * far and, for the bytes still to come, as many as the last chunk had per byte (so a capture
   * whose first packets are small is not taken for one of small packets). The estimate is revised
   * on every chunk, so the columns grow while they are still small rather than when they are
   * full (each resize copies every row so far into new memory), and shrink while they are at
   * most a quarter full when the first rows overstated the count.
   */
  private reserve(rows: number, streamOffset: number): void {
    const chunkBytes = streamOffset - this.streamOffset;
    const estimate = this.streamBytes > streamOffset && chunkBytes > 0 ? rows + ((this.streamBytes - streamOffset) * (rows - this.rows)) / chunkBytes : 0;
    this.streamOffset = streamOffset;
    const wanted = Math.min(Math.ceil(estimate * ESTIMATE_HEADROOM), Math.max(UNCAPPED_ROWS, rows * MAX_RESIZE_FACTOR));
    let capacity = this.capacity;
    if (rows > capacity || estimate > capacity) capacity = Math.max(rows, wanted, estimate > rows ? 0 : Math.ceil(capacity * GROWTH));
    else if (estimate > 0 && rows * 4 <= capacity && capacity > wanted * (1 + MAX_SLACK)) capacity = Math.max(rows, wanted);
    if (capacity !== this.capacity) this.resize(capacity);
  }

  private resize(capacity: number): void {
    for (const name of COLUMN_NAMES) {
      const column = this.columns[name];
      if (column !== undefined) this.columns[name] = grown(typeOf(column), 0, column, this.rows, capacity);
    }
    for (const name of OPTIONAL_COLUMN_NAMES) {
      const column = this.optional[name];
      if (column !== undefined) this.optional[name] = grown(typeOf(column), OPTIONAL_COLUMN_TYPES[name].absent, column, this.rows, capacity);
    }
    this.capacity = capacity;
  }

  /** First chunk with a cut frame: the rows before it get original lengths equal to their captured lengths. */
  private startOriginalLength(rows: number): void {
    this.lengthsDiffer = true;
    const captured = this.columns.capturedLength;
    if (captured !== undefined) this.columns.originalLength = grown(typeOf(captured), 0, captured, rows, this.capacity);
  }

  /** Copies column[0..n) to row `at` of `whole`, first widening `whole` (or creating it) when the values need a wider type. */
  private write(whole: ColumnArray | undefined, types: readonly ColumnType[], absent: number, max: number, column: ColumnArray, n: number, at: number): ColumnArray {
    const type = narrowestType(types, max);
    let target = whole;
    if (target === undefined || type.BYTES_PER_ELEMENT > target.BYTES_PER_ELEMENT) target = grown(type, absent, whole, at, this.capacity);
    target.set(column.subarray(0, n), at);
    return target;
  }
}

/** An array of `capacity` rows of `type`: the first `rows` rows copied from `from` (when there is one), the rest `absent`. */
function grown(type: ColumnType, absent: number, from: ColumnArray | undefined, rows: number, capacity: number): ColumnArray {
  const column = new type(capacity);
  if (from !== undefined) column.set(from.subarray(0, rows));
  if (absent !== 0) column.fill(absent, from === undefined ? 0 : rows);
  return column;
}

/** The types a column may be stored in, narrowest first. */
function typesOf(name: ColumnName): readonly ColumnType[] {
  return NARROWABLE_COLUMNS[name] ?? [COLUMN_TYPES[name]];
}

function typeOf(column: ColumnArray): ColumnType {
  return column.constructor as ColumnType;
}

/**
 * Largest value in the first `rows` rows. A negative value (only recordGap can have one) gives
 * Infinity, which no type but a column's widest holds.
 */
function largest(column: ColumnArray, rows: number): number {
  let max = 0;
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
