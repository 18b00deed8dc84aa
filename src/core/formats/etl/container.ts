// The ETL (Event Trace Log) container: fixed-size buffers of 8-byte-aligned trace records, the
// log-file header that opens the first buffer, and the clock that turns record times into UTC.
// Layouts: https://www.geoffchappell.com/studies/windows/km/ntoskrnl/api/etw/ (WMI_BUFFER_HEADER,
// TRACE_LOGFILE_HEADER, the trace header types) and evntcons.h (EVENT_HEADER).
import { filetimeToUnixNs } from "../windows-time";
import { lzxpressDecompress } from "./lzxpress";

export const BUFFER_HEADER_SIZE = 0x48;
/** ETW buffer sizes are whole KiB; anything beyond this is corruption, not a buffer. */
export const MAX_BUFFER_SIZE = 64 * 1024 * 1024;
const BUFFER_FLAG_COMPRESSED = 0x40;

export interface BufferHeader {
  /** Bytes the buffer occupies in the file, header included. */
  size: number;
  /** Bytes in use from the buffer's start (compressed size for compressed buffers). */
  filled: number;
  flags: number;
  type: number;
  processor: number;
  compressed: boolean;
}

export function parseBufferHeader(b: Uint8Array): BufferHeader {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const flags = v.getUint16(0x34, true);
  return {
    size: v.getUint32(0, true),
    filled: v.getUint32(0x30, true),
    flags,
    type: v.getUint16(0x36, true),
    processor: v.getUint16(0x28, true),
    compressed: (flags & BUFFER_FLAG_COMPRESSED) !== 0,
  };
}

/** Offset of the first record in the file: the log-file header's system trace header, right after the first buffer header. */
const FIRST_RECORD = BUFFER_HEADER_SIZE;

/**
 * A plausible first buffer: whole-KiB size, fill and saved offsets inside it, known type, and a
 * first record whose marker is a system trace header (type 0x01/0x02, flags 0xC0): the log-file
 * header every trace opens with. ETL has no magic number; the marker keeps other files out.
 */
export function looksLikeEtl(head: Uint8Array): boolean {
  if (head.length < FIRST_RECORD + 4) return false;
  const h = parseBufferHeader(head);
  const saved = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, true);
  return (
    h.size % 1024 === 0 &&
    h.size >= 4096 &&
    h.size <= MAX_BUFFER_SIZE &&
    h.filled >= BUFFER_HEADER_SIZE &&
    h.filled <= h.size &&
    saved <= h.size &&
    h.type <= 8 &&
    head[FIRST_RECORD + 3] === 0xc0 &&
    (head[FIRST_RECORD + 2] === 0x01 || head[FIRST_RECORD + 2] === 0x02)
  );
}

/** The records area of a buffer: decompressed when the buffer is compressed. */
export function bufferRecords(buffer: Uint8Array, header: BufferHeader): Uint8Array {
  const end = Math.min(header.filled, buffer.length);
  const body = buffer.subarray(BUFFER_HEADER_SIZE, Math.max(BUFFER_HEADER_SIZE, end));
  return header.compressed ? lzxpressDecompress(body, header.size - BUFFER_HEADER_SIZE) : body;
}

export const enum RecordKind {
  System,
  Compact,
  PerfInfo,
  EventHeader,
  FullHeader,
  Instance,
  Message,
  Other,
}

/** One record of a buffer: kind, where it starts in the records area and its unaligned size. */
export interface TraceRecord {
  kind: RecordKind;
  /** Header type byte (0x01..0x15); 64-bit variants are the even/odd twins of the 32-bit ones. */
  headerType: number;
  offset: number;
  size: number;
}

const HEADER_KINDS: Record<number, [RecordKind, number]> = {
  0x01: [RecordKind.System, 32],
  0x02: [RecordKind.System, 32],
  0x03: [RecordKind.Compact, 24],
  0x04: [RecordKind.Compact, 24],
  0x0a: [RecordKind.FullHeader, 48],
  0x0b: [RecordKind.Instance, 56],
  0x10: [RecordKind.PerfInfo, 16],
  0x11: [RecordKind.PerfInfo, 16],
  0x12: [RecordKind.EventHeader, 80],
  0x13: [RecordKind.EventHeader, 80],
  0x14: [RecordKind.FullHeader, 48],
  0x15: [RecordKind.Instance, 56],
};

/**
 * Walks the records of a buffer's records area. Stops at the 0xFFFFFFFF padding or the end;
 * returns a message when a record header is unreadable (the rest of that buffer is lost).
 */
export function forEachRecord(records: Uint8Array, visit: (r: TraceRecord) => void): string | undefined {
  const v = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const r: TraceRecord = { kind: RecordKind.Other, headerType: 0, offset: 0, size: 0 };
  let at = 0;
  while (at + 8 <= records.length) {
    const marker = v.getUint32(at, true);
    if (marker === 0xffffffff) return undefined;
    const flags = marker >>> 24;
    const type = (marker >>> 16) & 0xff;
    let kind = RecordKind.Other;
    let minSize = 8;
    let size: number;
    if ((flags & 0xc0) === 0xc0) {
      [kind, minSize] = HEADER_KINDS[type] ?? [RecordKind.Other, 8];
      // System, compact and perfinfo headers keep the size in their second word; the others in the marker.
      size = kind === RecordKind.System || kind === RecordKind.Compact || kind === RecordKind.PerfInfo ? v.getUint16(at + 4, true) : marker & 0xffff;
    } else if ((flags & 0xd0) === 0x90) {
      kind = RecordKind.Message;
      size = marker & 0xffff;
    } else {
      return `unknown record marker 0x${marker.toString(16).padStart(8, "0")} at byte ${at} of the buffer`;
    }
    if (size < minSize || at + size > records.length) return `record of ${size} bytes at byte ${at} of the buffer does not fit`;
    r.kind = kind;
    r.headerType = type;
    r.offset = at;
    r.size = size;
    visit(r);
    at += (size + 7) & ~7;
  }
  return undefined;
}

/** The fixed part of an EVENT_HEADER record (header types 0x12/0x13). */
export interface EventHeaderFields {
  threadId: number;
  timestamp: bigint;
  /** Provider GUID as it lies in the file (little-endian fields). */
  providerAt: number;
  id: number;
  keyword: bigint;
  /** Where the event's own payload starts and ends in the records area. */
  payloadStart: number;
  payloadEnd: number;
}

const EVENT_HEADER_FLAG_EXTENDED_INFO = 0x0001;

/** `v` views the buffer's records area. */
export function readEventHeader(v: DataView, r: TraceRecord): EventHeaderFields | undefined {
  const at = r.offset;
  const flags = v.getUint16(at + 4, true);
  let payloadStart = at + 80;
  const payloadEnd = at + r.size;
  if (flags & EVENT_HEADER_FLAG_EXTENDED_INFO) {
    // Extended data items (u16 size, u16 type, u16 linkage, u16 data size, data) chain while linkage bit 0 is set.
    for (;;) {
      if (payloadStart + 8 > payloadEnd) return undefined;
      const itemSize = v.getUint16(payloadStart, true);
      const linkage = v.getUint16(payloadStart + 4, true);
      if (itemSize < 8 || payloadStart + itemSize > payloadEnd) return undefined;
      payloadStart += itemSize;
      if ((linkage & 1) === 0) break;
    }
  }
  return {
    threadId: v.getUint32(at + 8, true),
    timestamp: v.getBigInt64(at + 16, true),
    providerAt: at + 24,
    id: v.getUint16(at + 40, true),
    keyword: v.getBigUint64(at + 48, true),
    payloadStart,
    payloadEnd,
  };
}

/** Provider GUID "{2ED6006E-4729-4609-B423-3EE7BCD678EF}" as its 16 bytes in the file. */
export function guidBytes(guid: string): Uint8Array {
  const hex = guid.replace(/[{}-]/g, "");
  const b = Uint8Array.from(hex.match(/../g)!.map((x) => parseInt(x, 16)));
  const swap = (i: number, n: number) => b.subarray(i, i + n).reverse();
  swap(0, 4);
  swap(4, 2);
  swap(6, 2);
  return b;
}

export function sameGuid(records: Uint8Array, at: number, guid: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (records[at + i] !== guid[i]) return false;
  return true;
}

export const enum ClockType {
  QueryPerformanceCounter = 1,
  SystemTime = 2,
  CpuCycleCounter = 3,
}

/** What the log-file header (the first record of the file) says about the trace. */
export interface LogFileHeader {
  pointerSize: 4 | 8;
  clockType: number;
  /** Ticks per second of the record time stamps under that clock. */
  ticksPerSecond: bigint;
  /** FILETIME of the trace start, and the record time stamp that corresponds to it. */
  startFiletime: bigint;
  startTicks: bigint;
  endFiletime: bigint;
  buffersWritten: number;
  eventsLost: number;
  buffersLost: number;
  numberOfProcessors: number;
  osVersion: string;
  loggerName: string;
}

/**
 * Parses TRACE_LOGFILE_HEADER from the system record that opens the first buffer (hook id 0).
 * Its two string pointers and the 8-byte alignment after the time zone make the offsets depend
 * on the pointer size (0x118 bytes for 64-bit loggers, 0x110 for 32-bit ones).
 */
export function readLogFileHeader(records: Uint8Array, r: TraceRecord): LogFileHeader | undefined {
  if (r.kind !== RecordKind.System) return undefined;
  const v = new DataView(records.buffer, records.byteOffset, records.byteLength);
  if (v.getUint16(r.offset + 6, true) !== 0) return undefined; // hook id: EVENT_TRACE_GROUP_HEADER, type info
  const p = r.offset + 32;
  const pointerSize = r.headerType === 0x02 ? 8 : 4;
  const fixed = pointerSize === 8 ? 0x118 : 0x110;
  if (r.size < 32 + fixed) return undefined;
  const tail = pointerSize === 8 ? 0xf8 : 0xf0; // BootTime; PerfFreq, StartTime, ReservedFlags, BuffersLost follow
  const startTicks = v.getBigInt64(r.offset + 16, true);
  const perfFreq = v.getBigInt64(p + tail + 8, true);
  const cpuMhz = v.getUint32(p + 52, true);
  const clockType = v.getUint32(p + tail + 24, true);
  let ticksPerSecond: bigint;
  if (clockType === ClockType.SystemTime) ticksPerSecond = 10_000_000n;
  else if (clockType === ClockType.CpuCycleCounter) ticksPerSecond = BigInt(cpuMhz) * 1_000_000n;
  else ticksPerSecond = perfFreq;
  if (ticksPerSecond <= 0n) return undefined;
  return {
    pointerSize,
    clockType,
    ticksPerSecond,
    startFiletime: v.getBigInt64(p + tail + 16, true),
    startTicks,
    endFiletime: v.getBigInt64(p + 16, true),
    buffersWritten: v.getUint32(p + 36, true),
    eventsLost: v.getUint32(p + 48, true),
    buffersLost: v.getUint32(p + tail + 28, true),
    numberOfProcessors: v.getUint32(p + 12, true),
    osVersion: `${records[p + 4]}.${records[p + 5]}.${v.getUint32(p + 8, true)}`,
    loggerName: utf16z(records, p + fixed, r.offset + r.size).text,
  };
}

/** Nanoseconds since the Unix epoch of a record time given in ticks after the log-file header's (exact, floor). */
export function recordTimeToUnixNs(h: LogFileHeader, ticksAfterStart: number): bigint {
  const delta = BigInt(ticksAfterStart) * 1_000_000_000n;
  let ns = delta / h.ticksPerSecond;
  if (delta < 0n && ns * h.ticksPerSecond !== delta) ns -= 1n;
  return filetimeToUnixNs(h.startFiletime) + ns;
}

/** A NUL-terminated UTF-16LE string at `at` (bounded by `end`), and where the data after it starts. */
export function utf16z(bytes: Uint8Array, at: number, end: number): { text: string; next: number } {
  const chars: number[] = [];
  let i = at;
  for (; i + 1 < end; i += 2) {
    const c = bytes[i] | (bytes[i + 1] << 8);
    if (c === 0) return { text: String.fromCharCode(...chars), next: i + 2 };
    chars.push(c);
  }
  return { text: String.fromCharCode(...chars), next: end };
}
