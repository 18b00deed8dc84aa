// A RecordSink that decodes each record straight into typed-array columns and finishes a
// PacketTable. Rows are decoded into one set of full-width scratch columns (no per-packet
// objects); when it is full, its rows go into the table's columns (table-columns.ts, each in
// the narrowest array type its values fit) and the scratch is cleared for the next chunk.
// Like originalLength (an alias of capturedLength when no frame was cut), columns that are
// zero on every row share one buffer.

import type { ByteSource, CaptureInterfaceInfo, PacketRecord, ReadError, ReadOptions, ReadSummary, RecordSink } from "../formats/types";
import { openCapture } from "../formats/index";
import type { PacketColumns, PacketTable, SparseFacts } from "./packet-table";
import { OFFSET_CHECKPOINT_ROWS, PacketFlag } from "./packet-table";
import { allocateColumns, COLUMN_NAMES } from "./column-spec";
import { TableColumns } from "./table-columns";
import { AddressInterner } from "../decode/addresses";
import { Frame } from "../decode/frame";
import { byLinkType, type LayerDecoder } from "../decode/registry";
import "../decode/handoffs";

const FIRST_CHUNK_ROWS = 1024;
/** The scratch columns' rows once grown: 83 bytes each (2.7 MB), live all along while reading; 65536-row chunks decoded 3% slower. */
const MAX_CHUNK_ROWS = 32768;

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
  private readonly table: TableColumns;
  private readonly offsetCheckpoints: number[] = [];
  /** Stream offset just past the previous row's captured bytes (recordGap counts from there). */
  private recordEnd = 0;
  private readonly frame: Frame;
  private count = 0;

  /** `streamBytes`: the size of what will be read (the file's size), to size the columns once. */
  constructor(streamBytes = NaN) {
    this.table = new TableColumns(streamBytes);
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

  /** Appends the full scratch chunk to the table and clears the scratch (replaces it by a larger one while chunks grow). */
  private nextChunk(): PacketColumns {
    const f = this.frame;
    const scratch = f.c;
    this.table.append(scratch, f.o, f.r, this.recordEnd);
    const rows = Math.min(scratch.tsSec.length * 2, MAX_CHUNK_ROWS);
    if (rows > scratch.tsSec.length) f.startChunk(scratchColumns(rows));
    else {
      clearScratch(scratch);
      f.startChunk(scratch);
    }
    return f.c;
  }

  /** First row of a chunk whose original length differs: the chunk gets its own column. */
  private splitOriginalLength(c: PacketColumns, r: number, length: number): void {
    c.originalLength = new Uint32Array(c.capturedLength.length);
    c.originalLength.set(c.capturedLength.subarray(0, r));
    c.originalLength[r] = length;
  }

  /** Ends the table; the builder must not be used afterwards. */
  finish(facts: TableFacts): PacketTable {
    const f = this.frame;
    this.table.append(f.c, f.o, f.r, this.recordEnd);
    f.release(allocateColumns(0));
    const { columns, optional } = this.table.finish();
    return {
      file: facts.file,
      format: facts.format,
      compression: facts.compression,
      fileBytes: facts.fileBytes,
      count: this.count,
      interfaces: this.interfaces,
      addresses: this.addresses.table,
      columns,
      offsetCheckpoints: Float64Array.from(this.offsetCheckpoints),
      optional,
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

/** Reads and decodes a whole capture into a PacketTable. */
export async function readPacketTable(source: ByteSource, opts: ReadOptions = {}): Promise<PacketTable> {
  const builder = new PacketTableBuilder(source.size);
  const summary = await openCapture(source, builder, opts);
  return builder.finish(summary);
}
