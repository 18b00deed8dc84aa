// Reader for pcapng: sections (each with its own byte order), interfaces, EPB/SPB/obsolete PB;
// other blocks are skipped. Spec: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html

import { linkTypeName } from "./link-types";
import { MICROSECONDS, ticksToTime, timeScale, type TimeScale } from "./pcapng-time";
import { MAX_RECORD_BYTES, normaliseTime, ReusableRecord, SourceCursor } from "./source-cursor";
import type { ByteSource, FormatReader, PacketMeta, ReadOptions, RecordSink } from "./types";

const SHB = 0x0a0d0d0a;
const IDB = 1;
const OBSOLETE_PB = 2;
const SPB = 3;
const ISB = 5;
const EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_END = 0;
const OPT_COMMENT = 1;
const EPB_FLAGS = 2; // also pack_flags of the obsolete Packet Block
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_FCSLEN = 13;
const IF_TSOFFSET = 14;
const ISB_IFDROP = 5;
const ISB_OSDROP = 7;

/** type + length + trailing length. */
const BLOCK_OVERHEAD = 12;

interface SectionInterface {
  globalId: number;
  name?: string;
  snaplen: number;
  scale: TimeScale;
  offsetSec: number;
}

const utf8 = new TextDecoder();

/** Little-endian true/false from the byte-order magic of the SHB at `p`; undefined if neither. */
function sectionByteOrder(view: DataView, p: number): boolean | undefined {
  if (view.getUint32(p + 8, true) === BYTE_ORDER_MAGIC) return true;
  if (view.getUint32(p + 8, false) === BYTE_ORDER_MAGIC) return false;
  return undefined;
}

export const pcapngReader: FormatReader = {
  format: "pcapng",
  randomAccess: false,
  sniff: (head) => {
    if (head.length < 12) return false;
    const view = new DataView(head.buffer, head.byteOffset, 12);
    return view.getUint32(0) === SHB && sectionByteOrder(view, 0) !== undefined;
  },
  read: readPcapng,
};

/** Calls `each` for every option in view[start, end); returns an error message for a bad one. */
function forEachOption(
  view: DataView,
  start: number,
  end: number,
  le: boolean,
  each: (code: number, at: number, length: number) => void,
): string | undefined {
  let p = start;
  while (p + 4 <= end) {
    const code = view.getUint16(p, le);
    const length = view.getUint16(p + 2, le);
    if (code === OPT_END) return undefined;
    if (p + 4 + length > end) return `option ${code} of ${length} bytes runs past the end of its block`;
    each(code, p + 4, length);
    p += 4 + ((length + 3) & ~3);
  }
  return undefined;
}

function text(view: DataView, at: number, length: number): string {
  return utf8.decode(new Uint8Array(view.buffer, view.byteOffset + at, length));
}

async function readPcapng(input: ByteSource, sink: RecordSink, opts: ReadOptions) {
  const cur = new SourceCursor(input, opts);
  const notes: string[] = [];
  let packets = 0;
  let le = true;
  let sections = 0;
  let interfaces: SectionInterface[] = [];
  let nextGlobalId = 0;
  const report = (offset: number, message: string, fatal: boolean) =>
    sink.error({ file: input.name, offset, frame: packets + 1, message, fatal });

  const rec = new ReusableRecord();
  let badFractions = 0;
  let untimed = 0;
  /** Latest capture-drop counters per global interface id, from Interface Statistics Blocks. */
  const drops = new Map<number, { label: string; ifdrop?: number; osdrop?: number }>();

  /** Reads the options of a packet block into rec.meta (allocated only when there are some). */
  const packetOptions = (view: DataView, start: number, end: number, blockOffset: number) => {
    let meta: PacketMeta | undefined;
    const problem = forEachOption(view, start, end, le, (code, at, length) => {
      if (code === OPT_COMMENT) {
        meta ??= {};
        (meta.comments ??= []).push(text(view, at, length));
      } else if (code === EPB_FLAGS && length === 4) {
        meta ??= {};
        meta.epbFlags = view.getUint32(at, le);
      }
    });
    if (problem) report(blockOffset, problem, false);
    rec.meta = meta;
  };

  const sectionHeader = (view: DataView, p: number, length: number): string | undefined => {
    if (length < 28) return `section header block length ${length} is too small`;
    const major = view.getUint16(p + 12, le);
    const minor = view.getUint16(p + 14, le);
    if (major !== 1) return `unsupported pcapng version ${major}.${minor}`;
    sections++;
    interfaces = [];
    const problem = forEachOption(view, p + 24, p + length - 4, le, (code, at, len) => {
      if (code === OPT_COMMENT) notes.push(`section ${sections} comment: ${text(view, at, len)}`);
    });
    if (problem) report(cur.base + p, problem, false);
    return undefined;
  };

  const interfaceDescription = (view: DataView, p: number, length: number): string | undefined => {
    if (length < 20) return `interface description block length ${length} is too small`;
    const linkType = view.getUint16(p + 8, le);
    const snaplen = view.getUint32(p + 12, le);
    let scale = MICROSECONDS;
    let offsetSec = 0;
    let fcsLength = 0;
    let name: string | undefined;
    let description: string | undefined;
    const problem = forEachOption(view, p + 16, p + length - 4, le, (code, at, len) => {
      if (code === IF_NAME) name = text(view, at, len);
      else if (code === IF_DESCRIPTION) description = text(view, at, len);
      else if (code === IF_TSRESOL && len >= 1) scale = timeScale(view.getUint8(at));
      else if (code === IF_FCSLEN && len >= 1) fcsLength = view.getUint8(at);
      else if (code === IF_TSOFFSET && len === 8) {
        const hi = view.getInt32(le ? at + 4 : at, le);
        offsetSec = hi * 4294967296 + view.getUint32(le ? at : at + 4, le);
      }
    });
    if (problem) report(cur.base + p, problem, false);
    const globalId = nextGlobalId++;
    interfaces.push({ globalId, name, snaplen, scale, offsetSec });
    sink.addInterface(globalId, {
      linkType,
      fcsLength,
      snaplen,
      name,
      description,
      tsResolution: scale.label,
      tsDigits: scale.digits,
    });
    if (!linkTypeName(linkType)) report(cur.base + p, `unknown link type ${linkType} on interface ${globalId}: records kept undecoded`, false);
    return undefined;
  };

  // Drops by the capturing system are not network loss: the summary must say so.
  const interfaceStatistics = (view: DataView, p: number, length: number) => {
    if (length < 24) return;
    const iface = interfaces[view.getUint32(p + 8, le)];
    if (!iface) return;
    const label = `interface ${iface.globalId}${iface.name ? ` (${iface.name})` : ""}`;
    const counts = drops.get(iface.globalId) ?? { label };
    const u64 = (at: number) => view.getUint32(le ? at + 4 : at, le) * 4294967296 + view.getUint32(le ? at : at + 4, le);
    const problem = forEachOption(view, p + 20, p + length - 4, le, (code, at, len) => {
      if (code === ISB_IFDROP && len === 8) counts.ifdrop = u64(at);
      else if (code === ISB_OSDROP && len === 8) counts.osdrop = u64(at);
    });
    if (problem) report(cur.base + p, problem, false);
    drops.set(iface.globalId, counts);
  };

  /** Emits the packet of an EPB, obsolete PB or SPB; returns an error message for a bad block. */
  const packetBlock = (type: number, bytes: Uint8Array, view: DataView, p: number, length: number): string | undefined => {
    let iface: SectionInterface | undefined;
    let caplen: number;
    let dataAt: number;
    if (type === SPB) {
      if (length < 16) return `simple packet block length ${length} is too small`;
      iface = interfaces[0];
      if (!iface) return "simple packet block before any interface description block";
      rec.originalLength = view.getUint32(p + 8, le);
      // The block holds min(original length, snaplen) bytes; the padding hides which, so clamp.
      caplen = Math.min(rec.originalLength, length - 16, iface.snaplen || Infinity);
      dataAt = p + 12;
      // No timestamp in an SPB: keep the previous packet's so times stay monotone.
      rec.meta = { noTimestamp: true };
      untimed++;
    } else {
      if (length < 32) return `packet block length ${length} is too small`;
      const id = type === EPB ? view.getUint32(p + 8, le) : view.getUint16(p + 8, le);
      iface = interfaces[id];
      if (!iface) return `interface id ${id} is not defined in this section (${interfaces.length} interfaces)`;
      caplen = view.getUint32(p + 20, le);
      if (caplen > length - 32) return `block length ${length} is too small for ${caplen} bytes of packet data`;
      rec.originalLength = view.getUint32(p + 24, le);
      dataAt = p + 28;
      ticksToTime(view.getUint32(p + 12, le), view.getUint32(p + 16, le), iface.scale, iface.offsetSec, rec);
      if (rec.tsNsec >= 1_000_000_000 && normaliseTime(rec) && badFractions++ === 0) {
        report(cur.base + p, "timestamp fraction of a second or more: carried into the seconds", false);
      }
      const optionsAt = dataAt + ((caplen + 3) & ~3);
      if (optionsAt < p + length - 4) packetOptions(view, optionsAt, p + length - 4, cur.base + p);
      else rec.meta = undefined;
    }
    rec.interfaceId = iface.globalId;
    rec.capturedLength = caplen;
    rec.window = bytes;
    rec.dataStart = dataAt;
    rec.fileOffset = cur.base + p;
    sink.record(rec);
    packets++;
    return undefined;
  };

  for (;;) {
    const bytes = cur.bytes;
    const view = cur.view;
    const end = bytes.length;
    let p = cur.pos;
    let problem: string | undefined;
    // Tight loop over the blocks wholly inside the current slice; no awaits here.
    while (p + BLOCK_OVERHEAD <= end) {
      const type = view.getUint32(p, le);
      if (type === SHB) {
        const order = sectionByteOrder(view, p);
        if (order === undefined) {
          problem = "section header block without a valid byte-order magic";
          break;
        }
        le = order;
      } else if (sections === 0) {
        problem = "the file does not start with a section header block";
        break;
      }
      let length = view.getUint32(p + 4, le);
      if (length % 4 !== 0) {
        // Wireshark reads such blocks as if padded to 4 bytes; so do we, with a warning.
        report(cur.base + p, `block length ${length} is not a multiple of 4: read as ${length + 4 - (length % 4)}`, false);
        length += 4 - (length % 4);
      }
      if (length < BLOCK_OVERHEAD || length > MAX_RECORD_BYTES) {
        problem = `bad block length ${length} (block type 0x${type.toString(16)})`;
        break;
      }
      if (p + length > end) break;
      const trailer = view.getUint32(p + length - 4, le);
      if (trailer !== length) {
        problem = `block lengths differ: ${length} at the start, ${trailer} at the end`;
        break;
      }
      if (type === EPB || type === SPB || type === OBSOLETE_PB) problem = packetBlock(type, bytes, view, p, length);
      else if (type === SHB) problem = sectionHeader(view, p, length);
      else if (type === IDB) problem = interfaceDescription(view, p, length);
      else if (type === ISB) interfaceStatistics(view, p, length);
      if (problem) break;
      p += length;
    }
    cur.pos = p;
    if (problem) {
      report(cur.offset, problem, true);
      break;
    }
    // Either fewer than 12 bytes are left in the slice or a valid block runs past its end.
    const need = cur.available >= BLOCK_OVERHEAD ? cur.view.getUint32(p + 4, le) : BLOCK_OVERHEAD;
    if (await cur.fill(need, packets)) continue;
    const left = cur.available;
    if (left === 0) break;
    if (left < BLOCK_OVERHEAD) report(cur.offset, `truncated block header (${left} bytes at end of file)`, true);
    else report(cur.offset, `block of ${need} bytes runs past the end of the file (${left} bytes left)`, true);
    break;
  }
  opts.onProgress?.(cur.bytesRead, packets);
  if (badFractions > 1) notes.push(`${badFractions} packets had a timestamp fraction of a second or more`);
  if (sections > 1) notes.push(`${sections} sections`);
  for (const { label, ifdrop, osdrop } of drops.values()) {
    if (ifdrop || osdrop) {
      const parts = [ifdrop ? `${ifdrop} by the interface` : "", osdrop ? `${osdrop} by the operating system` : ""];
      notes.push(`${label}: the capture itself dropped packets (${parts.filter(Boolean).join(", ")})`);
    }
  }
  if (untimed > 0) {
    notes.push(`${untimed} ${untimed === 1 ? "packet" : "packets"} in Simple Packet Blocks without a timestamp (the previous packet's is repeated)`);
  }
  return { format: "pcapng" as const, notes };
}
