// Reads Windows ETL traces (`netsh trace start capture=yes`, `pktmon start --capture`): walks the
// buffers, hands packet events to the NDIS-PacketCapture and PktMon parsers, sorts the packets of
// all per-CPU buffers by time. Container layout: https://www.geoffchappell.com/studies/windows/km/ntoskrnl/api/etw/
import {
  BUFFER_HEADER_SIZE,
  bufferRecords,
  forEachRecord,
  looksLikeEtl,
  MAX_BUFFER_SIZE,
  parseBufferHeader,
  readEventHeader,
  readLogFileHeader,
  recordTimeToUnixNs,
  RecordKind,
  sameGuid,
  type BufferHeader,
  type LogFileHeader,
} from "./etl/container";
import { DecompressError } from "./etl/lzxpress";
import { NdisCaptureProvider } from "./etl/ndis-capture";
import { PacketList, type EventContext, type PacketProvider } from "./etl/packets";
import { PktmonProvider } from "./etl/pktmon";
import type { ByteSource, CaptureFormat, FormatReader, FormatReadResult, PacketRecord, ReadOptions, RecordSink } from "./types";
import { setUnixNs } from "./windows-time";

interface BufferPlace {
  offset: number;
  header: BufferHeader;
}

const CLOCK_NAMES: Record<number, string> = { 1: "QueryPerformanceCounter", 2: "system time", 3: "CPU cycle counter" };

/** Keeps the records areas of the buffers last used: packets are emitted in time order, which hops between per-CPU buffers. */
class BufferCache {
  private readonly cache = new Map<number, Uint8Array>();
  constructor(
    private readonly input: ByteSource,
    private readonly places: BufferPlace[],
    private readonly capacity = 64,
  ) {}

  async records(index: number): Promise<Uint8Array> {
    let records = this.cache.get(index);
    if (records) {
      this.cache.delete(index);
    } else {
      const place = this.places[index];
      records = bufferRecords(await this.input.read(place.offset, place.header.size), place.header);
      if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(index, records);
    return records;
  }
}

async function readEtl(input: ByteSource, sink: RecordSink, opts: ReadOptions): Promise<FormatReadResult> {
  const format: CaptureFormat = "etl";
  const notes: string[] = [];
  let packets = 0;
  // Problems are reported after the packets: until the time sort, no frame number is known.
  const problems: { offset: number; message: string; fatal: boolean }[] = [];
  const fail = (offset: number, message: string, fatal: boolean) => problems.push({ offset, message, fatal });
  const report = (cancelled = false): FormatReadResult => {
    for (const p of problems) sink.error({ file: input.name, frame: packets + 1, ...p });
    return { format, notes, cancelled };
  };

  const list = new PacketList();
  const providers: PacketProvider[] = [new NdisCaptureProvider(list), new PktmonProvider(list)];
  const places: BufferPlace[] = [];
  let logFile: LogFileHeader | undefined;
  let order = 0;
  let events = 0;
  let compressedBuffers = 0;
  let stopped = false;

  for (let offset = 0; offset < input.size && !stopped; ) {
    if (opts.signal?.aborted) return report(true);
    const head = await input.read(offset, BUFFER_HEADER_SIZE);
    if (head.length < BUFFER_HEADER_SIZE) {
      fail(offset, `file ends inside the header of buffer ${places.length + 1}`, true);
      break;
    }
    const header = parseBufferHeader(head);
    if (header.size < BUFFER_HEADER_SIZE || header.size > MAX_BUFFER_SIZE || header.size % 8 !== 0) {
      fail(offset, `buffer ${places.length + 1} has an impossible size (${header.size} bytes); the rest of the file is unreadable`, true);
      break;
    }
    const raw = await input.read(offset, header.size);
    if (raw.length < Math.min(header.size, header.filled)) {
      // Keep the events of the part that is there; nothing after it can be found.
      fail(offset, `file ends inside buffer ${places.length + 1} (${raw.length} of ${header.size} bytes)`, true);
      stopped = true;
      if (header.compressed) break;
    }
    let records: Uint8Array;
    try {
      records = bufferRecords(raw, header);
    } catch (e) {
      if (!(e instanceof DecompressError)) throw e;
      fail(offset, `compressed buffer ${places.length + 1} does not decompress: ${e.message}`, false);
      offset += header.size;
      continue;
    }
    if (header.compressed) compressedBuffers++;
    const bufferIndex = places.length;
    places.push({ offset, header });
    const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
    const problem = forEachRecord(records, (r) => {
      order++;
      if (!logFile) {
        logFile = readLogFileHeader(records, r);
        return;
      }
      if (r.kind !== RecordKind.EventHeader) return;
      events++;
      const ev = readEventHeader(view, r);
      if (!ev) return;
      const provider = providers.find((p) => sameGuid(records, ev.providerAt, p.guid));
      if (!provider) return;
      const context: EventContext = {
        records,
        view,
        bufferIndex,
        fileOffset: header.compressed ? offset : offset + BUFFER_HEADER_SIZE + r.offset,
        order,
        ticks: Number(ev.timestamp - logFile.startTicks),
        threadId: ev.threadId,
        keyword: ev.keyword,
        id: ev.id,
        payloadStart: ev.payloadStart,
        payloadEnd: ev.payloadEnd,
      };
      provider.onEvent(context);
    });
    if (problem && !stopped) fail(offset, `buffer ${bufferIndex + 1}: ${problem}; the rest of that buffer is skipped`, false);
    if (!logFile) {
      fail(offset, "no ETL log-file header in the first buffer; cannot place events in time", true);
      return report();
    }
    offset += header.size;
    opts.onProgress?.(offset, 0);
  }
  if (!logFile) return report();
  const log: LogFileHeader = logFile;

  notes.push(
    `ETL trace "${log.loggerName}", Windows ${log.osVersion}, ${log.numberOfProcessors} processors, ${places.length} buffers` +
      (compressedBuffers ? ` (${compressedBuffers} compressed)` : ""),
  );
  notes.push(`clock: ${CLOCK_NAMES[log.clockType] ?? `type ${log.clockType}, read as QueryPerformanceCounter`} at ${log.ticksPerSecond} ticks/s`);
  if (log.eventsLost || log.buffersLost) notes.push(`the logger lost ${log.eventsLost} events and ${log.buffersLost} buffers while tracing`);

  for (const p of providers) {
    const result = p.finish();
    notes.push(...result.notes);
    for (const w of result.warnings) fail(0, w, false);
  }
  if (list.count === 0) notes.push(`no packet events among ${events} events (was the trace started with capture=yes or pktmon --capture?)`);
  const outOfOrder = list.outOfOrder();
  if (outOfOrder > 0) notes.push(`${outOfOrder} packets were out of time order across the per-CPU buffers; sorted by time`);

  const ids = numberInterfaces(list, log, sink);
  const cache = new BufferCache(input, places);
  const rec: PacketRecord = { interfaceId: 0, tsSec: 0, tsNsec: 0, capturedLength: 0, originalLength: 0, data: new Uint8Array(0), fileOffset: 0 };
  for (const i of list.timeOrder()) {
    if (opts.signal?.aborted) return report(true);
    const start = list.start[i];
    const data = list.copies.get(i) ?? (await cache.records(list.buffer[i])).subarray(start, start + list.length[i]);
    const direction = list.direction[i];
    const notesOf = list.notes.get(i);
    rec.interfaceId = ids[list.iface[i]];
    setUnixNs(rec, recordTimeToUnixNs(log, list.ticks[i]));
    rec.capturedLength = data.length;
    rec.originalLength = list.originalLength[i];
    rec.data = data;
    rec.fileOffset = list.fileOffset[i];
    rec.meta = direction || notesOf ? { epbFlags: direction || undefined, notes: notesOf } : undefined;
    sink.record(rec);
    packets++;
    if (packets % 4096 === 0) opts.onProgress?.(input.size, packets);
  }
  opts.onProgress?.(input.size, packets);
  return report();
}

/** Announces the interfaces in a stable order (by provider, then interface index); maps list index to id. */
function numberInterfaces(list: PacketList, log: LogFileHeader, sink: RecordSink): number[] {
  const order = list.interfaces
    .map((iface, index) => ({ iface, index }))
    .sort((a, b) => {
      for (let i = 0; i < Math.max(a.iface.sortKey.length, b.iface.sortKey.length); i++) {
        const d = (a.iface.sortKey[i] ?? 0) - (b.iface.sortKey[i] ?? 0);
        if (d) return d;
      }
      return a.iface.key < b.iface.key ? -1 : a.iface.key > b.iface.key ? 1 : 0;
    });
  const digits = Math.ceil(Math.log10(Number(log.ticksPerSecond)));
  const ids: number[] = [];
  order.forEach(({ iface, index }, id) => {
    ids[index] = id;
    sink.addInterface(id, {
      linkType: iface.linkType,
      fcsLength: 0,
      snaplen: 0,
      name: iface.name,
      description: iface.description,
      tsResolution: `1/${log.ticksPerSecond} s`,
      tsDigits: Math.min(9, Math.max(0, digits)),
    });
  });
  return ids;
}

export const etlReader: FormatReader = {
  format: "etl",
  randomAccess: true,
  sniff: looksLikeEtl,
  read: readEtl,
};
