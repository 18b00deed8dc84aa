// Reads Microsoft Network Monitor 2.x capture files (.cap), frame by frame through their frame table.
// Layout as described by Wireshark's reader: https://gitlab.com/wireshark/wireshark/-/blob/master/wiretap/netmon.c
import type { ByteSource, CaptureFormat, FormatReader, FormatReadResult, PacketRecord, ReadOptions, RecordSink } from "./types";
import { formatUtcOffset } from "./utc-offset";
import { filetimeToUnixNs, setUnixNs, systemTimeToUnixMs } from "./windows-time";

const FILE_HEADER_SIZE = 128;
/** 2.x frame header: i64 microseconds since the capture start, u32 original length, u32 captured length. */
const FRAME_HEADER_SIZE = 16;
/** Bytes of NetMon's own 802.11 metadata header before the 802.11 frame (media type 6, header version 2). */
const WIFI_METADATA_MIN = 32;

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_IEEE802_5 = 6;
const LINKTYPE_FDDI = 10;
const LINKTYPE_RAW = 101;
const LINKTYPE_IEEE802_11 = 105;
/**
 * Link type of the interface that carries NetMon records without a packet (LINKTYPE_USER0, kept
 * for private use): no decoder is registered for it, so such rows have no IP layer.
 */
export const LINKTYPE_NETMON_NO_PACKET = 147;
const MEDIA_WIFI = 6;

/** Records without a packet that Wireshark still reads as frames: kept as frames so frame numbers agree with Wireshark's. */
const FRAME_RECORDS: Record<number, string> = {
  0xffe0: "ETW event",
  0xfffb: "extended network info",
  0xffff: "capture filter",
};

/** Records without a packet that Wireshark skips (netmon.c returns RETRY): skipped, counted in the summary. */
const SKIPPED_RECORDS: Record<number, string> = {
  0xfffc: "payload header",
  0xfffd: "network info",
  0xfffe: "DNS cache",
};

export function sniffNetmon(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x47 && head[1] === 0x4d && head[2] === 0x42 && head[3] === 0x55; // "GMBU"
}

/** Pcap link type of a NetMon media type, or undefined for media Parallax cannot decode (ATM, Message Analyzer types). */
export function netmonLinkType(media: number): number | undefined {
  if (media === 0 || media === 1) return LINKTYPE_ETHERNET;
  if (media === 2) return LINKTYPE_IEEE802_5;
  if (media === 3) return LINKTYPE_FDDI;
  if (media === MEDIA_WIFI) return LINKTYPE_IEEE802_11;
  if (media >= 7 && media <= 9) return LINKTYPE_RAW;
  if (media === 0xe080) return LINKTYPE_IEEE802_11; // Message Analyzer "WiFi Message"
  // 0xE000 | n wraps pcap link type n; 0xE081..0xE08A are other Message Analyzer types instead.
  if ((media & 0xf000) === 0xe000 && !(media >= 0xe080 && media <= 0xe08a)) return media & 0x0fff;
  return undefined;
}

/** Bytes after each frame's data: media type (2.1+), process index (2.2+), UTC FILETIME + zone index (2.3+). */
function trailerSize(minor: number): number {
  if (minor >= 3) return 15;
  if (minor === 2) return 6;
  if (minor === 1) return 2;
  return 0;
}

/** Serves small reads from one large slice of the source, since frames are mostly contiguous. */
class SliceReader {
  private start = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  constructor(
    private readonly source: ByteSource,
    private readonly size = 1 << 20,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = offset + length;
    if (offset < this.start || end > this.start + this.bytes.length) {
      this.start = offset;
      this.bytes = await this.source.read(offset, Math.max(length, this.size));
    }
    return this.bytes.subarray(offset - this.start, Math.min(end - this.start, this.bytes.length));
  }
}

interface FileHeader {
  minor: number;
  media: number;
  startUnixMs: number;
  frameTableOffset: number;
  frameTableLength: number;
  commentTableOffset: number;
  commentTableLength: number;
  processTableOffset: number;
  processCount: number;
  /** Where the sections after the frames start: frame table, user data, comments, process table, network info. */
  sectionOffsets: number[];
}

function parseHeader(h: DataView): FileHeader {
  const u16 = (at: number) => h.getUint16(at, true);
  return {
    minor: h.getUint8(4),
    media: u16(6),
    startUnixMs: systemTimeToUnixMs({
      year: u16(8),
      month: u16(10),
      day: u16(14),
      hour: u16(16),
      minute: u16(18),
      second: u16(20),
      ms: u16(22),
    }),
    frameTableOffset: h.getUint32(24, true),
    frameTableLength: h.getUint32(28, true),
    commentTableOffset: h.getUint32(40, true),
    commentTableLength: h.getUint32(44, true),
    processTableOffset: h.getUint32(48, true),
    processCount: h.getUint32(52, true),
    sectionOffsets: [24, 32, 40, 48, 56].map((at) => h.getUint32(at, true)),
  };
}

async function readNetmon(input: ByteSource, sink: RecordSink, opts: ReadOptions): Promise<FormatReadResult> {
  const format: CaptureFormat = "netmon";
  const notes: string[] = [];
  let packets = 0;
  const fail = (offset: number, message: string, fatal: boolean) =>
    sink.error({ file: input.name, offset, frame: packets + 1, message, fatal });

  const head = await input.read(0, FILE_HEADER_SIZE);
  if (head.length < FILE_HEADER_SIZE || !sniffNetmon(head)) {
    fail(0, head.length < FILE_HEADER_SIZE ? `NetMon file header cut short (${head.length} of 128 bytes)` : "not a NetMon 2.x file (no GMBU magic)", true);
    return { format, notes };
  }
  const major = head[5];
  const hdr = parseHeader(new DataView(head.buffer, head.byteOffset, head.byteLength));
  if (major !== 2) {
    fail(4, `NetMon version ${major}.${hdr.minor} is not supported (only 2.x)`, true);
    return { format, notes };
  }
  notes.push(`NetMon ${major}.${hdr.minor}`);
  const localOffsetMin = opts.localTimeOffsetMinutes ?? 0;
  if (hdr.minor < 3) {
    notes.push(
      opts.localTimeOffsetMinutes === undefined
        ? "times are the capturing machine's local time with no zone recorded; shown as if UTC (set the capture's time zone to correct them)"
        : `times are local time of the capturing machine; read with the given zone UTC${formatUtcOffset(localOffsetMin)}`,
    );
  }
  const startNs = BigInt(hdr.startUnixMs - localOffsetMin * 60_000) * 1_000_000n;

  // The frame table may list frames out of file order or leave gaps: it is the authority.
  // When it is missing (a capture cut off before NetMon wrote it), frames are read in file order.
  const tableEnd = hdr.frameTableOffset + hdr.frameTableLength;
  let offsets: Uint32Array | undefined;
  if (hdr.frameTableLength % 4 !== 0) fail(28, `frame table length ${hdr.frameTableLength} is not a multiple of 4`, false);
  if (hdr.frameTableOffset >= FILE_HEADER_SIZE && tableEnd <= input.size) {
    const table = await input.read(hdr.frameTableOffset, hdr.frameTableLength - (hdr.frameTableLength % 4));
    const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
    offsets = new Uint32Array(table.length / 4);
    for (let i = 0; i < offsets.length; i++) offsets[i] = view.getUint32(i * 4, true);
  } else {
    notes.push("frame table missing (file cut short?): frames read in file order");
  }
  // Read in file order, frames end where the first of the other sections (tables, user data) starts.
  const dataEnd = offsets ? input.size : Math.min(input.size, ...hdr.sectionOffsets.filter((o) => o >= FILE_HEADER_SIZE));

  const slices = new SliceReader(input);
  // Files before 2.2 leave these header fields uninitialised.
  const processes = hdr.minor >= 2 && hdr.processTableOffset > 0 ? await readProcessTable(slices, hdr, fail) : [];
  const comments = hdr.minor >= 2 && hdr.commentTableLength > 0 ? await readCommentTable(slices, hdr, fail) : new Map<number, string>();
  const trailer = trailerSize(hdr.minor);
  /** Interface ids by link type, and by 0x10000 | media type for records without a decodable packet. */
  const interfaces = new Map<number, number>();
  const interfaceFor = (key: number, linkType: number, name: string) => {
    let id = interfaces.get(key);
    if (id === undefined) {
      id = interfaces.size;
      interfaces.set(key, id);
      sink.addInterface(id, {
        linkType,
        fcsLength: 0,
        snaplen: 0,
        name,
        tsResolution: hdr.minor >= 3 ? "100ns" : "us",
        tsDigits: hdr.minor >= 3 ? 7 : 6,
      });
    }
    return id;
  };
  const skipped = new Map<string, number>();
  const kept = new Map<string, number>();
  const count = (m: Map<string, number>, kind: string) => m.set(kind, (m.get(kind) ?? 0) + 1);
  const rec: PacketRecord = { interfaceId: 0, tsSec: 0, tsNsec: 0, capturedLength: 0, originalLength: 0, data: new Uint8Array(0), fileOffset: 0 };

  const frameCount = offsets ? offsets.length : Infinity;
  // Without a table a bad frame ends the read (nothing says where the next one starts); with one, the next entry does.
  const fatal = !offsets;
  let at = FILE_HEADER_SIZE;
  let cancelled = false;
  for (let i = 0; i < frameCount; i++) {
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
    if (!offsets && at + FRAME_HEADER_SIZE > dataEnd) {
      if (at < dataEnd) fail(at, `file ends inside the header of frame ${i + 1}`, true);
      break;
    }
    const offset = offsets ? offsets[i] : at;
    const fh = await slices.read(offset, FRAME_HEADER_SIZE);
    if (offset < FILE_HEADER_SIZE || fh.length < FRAME_HEADER_SIZE) {
      fail(offset, `frame table entry ${i + 1} points outside the file (offset ${offset})`, fatal);
      if (fatal) break;
      continue;
    }
    const fv = new DataView(fh.buffer, fh.byteOffset, FRAME_HEADER_SIZE);
    // Microsoft documents an unsigned count of microseconds, yet files hold "negative" ones: like
    // Wireshark, scale to 100 ns ticks in 64 bits and read the result as signed.
    const delta100ns = BigInt.asIntN(64, fv.getBigUint64(0, true) * 10n);
    const originalLength = fv.getUint32(8, true);
    const capturedLength = fv.getUint32(12, true);
    const recordEnd = offset + FRAME_HEADER_SIZE + capturedLength + trailer;
    if (recordEnd > dataEnd) {
      fail(offset, `frame ${i + 1} (${capturedLength} captured bytes) runs past the end of the ${offsets ? "file" : "frame data"}`, fatal);
      if (fatal) break;
      continue;
    }
    const record = await slices.read(offset + FRAME_HEADER_SIZE, capturedLength + trailer);
    at = recordEnd;
    const tv = new DataView(record.buffer, record.byteOffset + capturedLength, trailer);
    const media = trailer >= 2 ? tv.getUint16(0, true) : hdr.media;
    const skippedKind = SKIPPED_RECORDS[media];
    if (skippedKind) {
      count(skipped, skippedKind);
      continue;
    }
    let data = record.subarray(0, capturedLength);
    let origLen = originalLength;
    let meta: PacketRecord["meta"];
    const linkType = netmonLinkType(media);
    // A record Parallax cannot decode is still a frame: it keeps its place in the numbering.
    let noPacket = FRAME_RECORDS[media] ?? (linkType === undefined ? `media type 0x${media.toString(16)}, not decoded` : undefined);
    if (media === MEDIA_WIFI) {
      const wifi = stripWifiMetadata(data);
      if (wifi) {
        data = wifi.frame;
        origLen = Math.max(originalLength - wifi.headerLength, data.length);
        meta = { notes: [wifi.note] };
      } else {
        fail(offset, `frame ${packets + 1}: unreadable NetMon 802.11 metadata header; kept undecoded`, false);
        noPacket = "802.11 frame with an unreadable metadata header, not decoded";
      }
    }
    if (noPacket !== undefined) {
      count(kept, FRAME_RECORDS[media] ?? "undecodable frame");
      meta = { notes: [`NetMon record without a decodable packet: ${noPacket}`] };
    }
    const comment = comments.get(offset);
    if (comment !== undefined) meta = { ...meta, comments: [comment] };
    if (processes.length > 0) {
      const process = processes[tv.getUint32(2, true)];
      if (process) meta = { ...meta, notes: [...(meta?.notes ?? []), process] };
    }

    rec.interfaceId =
      noPacket === undefined && linkType !== undefined
        ? interfaceFor(linkType, linkType, `NetMon media type 0x${media.toString(16)}`)
        : interfaceFor(0x10000 | media, LINKTYPE_NETMON_NO_PACKET, `NetMon ${FRAME_RECORDS[media] ?? `media type 0x${media.toString(16)}`} records (no packet)`);
    setUnixNs(rec, hdr.minor >= 3 ? filetimeToUnixNs(tv.getBigUint64(6, true)) : startNs + delta100ns * 100n);
    rec.capturedLength = data.length;
    rec.originalLength = origLen;
    rec.data = data;
    rec.fileOffset = offset;
    rec.meta = meta;
    sink.record(rec);
    packets++;
    if (packets % 4096 === 0) opts.onProgress?.(offset, packets);
  }
  opts.onProgress?.(input.size, packets);
  const tally = (m: Map<string, number>) => [...m].map(([k, n]) => `${n} ${k}`).join(", ");
  if (skipped.size > 0) notes.push(`skipped records without packets: ${tally(skipped)}`);
  if (kept.size > 0) notes.push(`frames without a decodable packet, kept so frame numbers match Wireshark's: ${tally(kept)}`);
  return { format, notes, cancelled };
}

/**
 * The 2.2+ process table, one description per entry ("process C:\\x.exe (pid 42)"), indexed by the
 * process index of each frame's trailer. Entry: u32 path size, UTF-16 path, u32 icon size, icon,
 * u32 pid, u16 local port, u16 pad, u16 remote port, u16 pad, u32 IPv6 flag, 16 + 16 address bytes.
 */
async function readProcessTable(
  slices: SliceReader,
  hdr: FileHeader,
  fail: (offset: number, message: string, fatal: boolean) => void,
): Promise<string[]> {
  const names: string[] = [];
  let at = hdr.processTableOffset + 2; // after the table's u16 version
  const u32 = async (offset: number) => {
    const b = await slices.read(offset, 4);
    return b.length === 4 ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) : undefined;
  };
  for (let i = 0; i < Math.min(hdr.processCount, 65536); i++) {
    const pathSize = await u32(at);
    if (pathSize === undefined || pathSize > 65536) break;
    const path = await slices.read(at + 4, pathSize);
    const iconSize = await u32(at + 4 + pathSize);
    if (path.length < pathSize || iconSize === undefined) break;
    const rest = at + 8 + pathSize + iconSize;
    const pid = await u32(rest);
    if (pid === undefined || (await slices.read(rest, 48)).length < 48) break;
    names.push(`process ${utf16(path)} (pid ${pid})`);
    at = rest + 48;
  }
  if (names.length < hdr.processCount) fail(hdr.processTableOffset, `process table cut short after ${names.length} of ${hdr.processCount} entries`, false);
  return names;
}

/**
 * The 2.2+ comment table: entries of u32 frames per comment, u32 frame offset (the key), u32 title
 * size, UTF-16 title, u32 description size, description (usually RTF, so only plain text is kept).
 */
async function readCommentTable(
  slices: SliceReader,
  hdr: FileHeader,
  fail: (offset: number, message: string, fatal: boolean) => void,
): Promise<Map<number, string>> {
  const comments = new Map<number, string>();
  const table = await slices.read(hdr.commentTableOffset, hdr.commentTableLength);
  const v = new DataView(table.buffer, table.byteOffset, table.byteLength);
  let at = 0;
  while (at + 16 <= table.length) {
    const frameOffset = v.getUint32(at + 4, true);
    const titleSize = v.getUint32(at + 8, true);
    if (at + 12 + titleSize + 4 > table.length) break;
    const title = utf16(table.subarray(at + 12, at + 12 + titleSize));
    const descSize = v.getUint32(at + 12 + titleSize, true);
    const descAt = at + 16 + titleSize;
    if (descAt + descSize > table.length) break;
    const description = new TextDecoder().decode(table.subarray(descAt, descAt + descSize)).replace(/\0+$/, "");
    comments.set(frameOffset, description && !description.startsWith("{\\rtf") ? `${title}: ${description}` : title);
    at = descAt + descSize;
  }
  if (at + 16 <= table.length || table.length < hdr.commentTableLength) fail(hdr.commentTableOffset, "comment table is cut short or malformed; later comments are lost", false);
  return comments;
}

function utf16(bytes: Uint8Array): string {
  const chars: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const c = bytes[i] | (bytes[i + 1] << 8);
    if (c === 0) break;
    chars.push(c);
  }
  return String.fromCharCode(...chars);
}

/** Splits NetMon's 802.11 metadata header (version 2) off the 802.11 frame; summarises it as a note. */
function stripWifiMetadata(data: Uint8Array): { frame: Uint8Array; headerLength: number; note: string } | undefined {
  if (data.length < WIFI_METADATA_MIN || data[0] !== 2) return undefined;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const headerLength = v.getUint16(1, true);
  if (headerLength < WIFI_METADATA_MIN || headerLength > data.length) return undefined;
  const channel = v.getUint32(15, true);
  const rssi = v.getInt32(19, true);
  const rate = v.getUint8(23);
  return { frame: data.subarray(headerLength), headerLength, note: `802.11 channel ${channel}, RSSI ${rssi} dBm, rate code ${rate}` };
}

export const netmonReader: FormatReader = {
  format: "netmon",
  randomAccess: true,
  sniff: sniffNetmon,
  read: readNetmon,
};
