// Reader for classic libpcap files (microsecond and nanosecond magic, either byte order; also the
// "modified" format of Alexey Kuznetzov's patched libpcap, as Wireshark reads it).
// Spec: https://www.tcpdump.org/manpages/pcap-savefile.5.txt and draft-ietf-opsawg-pcap;
// modified records: https://gitlab.com/wireshark/wireshark/-/blob/master/wiretap/libpcap.h (pcaprec_modified_hdr).

import { linkTypeName } from "./link-types";
import { MAX_RECORD_BYTES, normaliseTime, ReusableRecord, SourceCursor } from "./source-cursor";
import type { ByteSource, CaptureFormat, FormatReader, ReadOptions, RecordSink } from "./types";

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/** Kuznetzov's records add u32 ifindex, u16 protocol, u8 packet type and a pad byte to the usual 16. */
const MODIFIED_RECORD_HEADER = 24;
const MAGIC_USEC = 0xa1b2c3d4;
const MAGIC_NSEC = 0xa1b23c4d;
const MAGIC_MODIFIED = 0xa1b2cd34;

/** Bit 26 of the link-type field says bits 28-31 hold the FCS length in 16-bit words. */
const FCS_PRESENT = 0x04000000;

function magicOf(head: Uint8Array): { le: boolean; nsec: boolean; modified: boolean } | undefined {
  if (head.length < 4) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, 4);
  for (const le of [true, false]) {
    const magic = view.getUint32(0, le);
    if (magic === MAGIC_USEC || magic === MAGIC_NSEC || magic === MAGIC_MODIFIED) {
      return { le, nsec: magic === MAGIC_NSEC, modified: magic === MAGIC_MODIFIED };
    }
  }
  return undefined;
}

export const pcapReader: FormatReader = {
  format: "pcap",
  randomAccess: false,
  sniff: (head) => magicOf(head) !== undefined,
  read: readPcap,
};

async function readPcap(input: ByteSource, sink: RecordSink, opts: ReadOptions) {
  const cur = new SourceCursor(input, opts);
  let packets = 0;
  const report = (offset: number, message: string, fatal: boolean) =>
    sink.error({ file: input.name, offset, frame: packets + 1, message, fatal });

  await cur.fill(FILE_HEADER, 0);
  const magic = magicOf(cur.bytes);
  const format: CaptureFormat = magic?.nsec ? "pcap-nsec" : magic?.modified ? "pcap-modified" : "pcap";
  if (!magic) {
    report(0, "not a pcap file (bad magic number)", true);
    return { format, notes: [] };
  }
  if (cur.available < FILE_HEADER) {
    report(0, `truncated pcap file header (${cur.available} of ${FILE_HEADER} bytes)`, true);
    return { format, notes: [] };
  }
  const { le, nsec } = magic;
  // The extra fields (interface index, protocol, packet type) are skipped, as Wireshark does.
  const recordHeader = magic.modified ? MODIFIED_RECORD_HEADER : RECORD_HEADER;
  const header = cur.view;
  const major = header.getUint16(4, le);
  if (major !== 2) {
    report(4, `unsupported pcap version ${major}.${header.getUint16(6, le)}`, true);
    return { format, notes: [] };
  }
  const snaplen = header.getUint32(16, le);
  const linkField = header.getUint32(20, le);
  const linkType = linkField & 0xffff;
  const fcsLength = linkField & FCS_PRESENT ? (linkField >>> 28) * 2 : 0;
  sink.addInterface(0, {
    linkType,
    fcsLength,
    snaplen,
    tsResolution: nsec ? "ns" : "us",
    tsDigits: nsec ? 9 : 6,
  });
  if (!linkTypeName(linkType)) report(20, `unknown link type ${linkType}: records kept undecoded`, false);
  cur.pos = FILE_HEADER;

  const rec = new ReusableRecord();
  const fractionScale = nsec ? 1 : 1000;
  let badFractions = 0;

  for (;;) {
    // Tight loop over the records wholly inside the current slice; no awaits here.
    const bytes = cur.bytes;
    const view = cur.view;
    const end = bytes.length;
    const base = cur.base;
    let p = cur.pos;
    while (p + recordHeader <= end) {
      const caplen = view.getUint32(p + 8, le);
      const next = p + recordHeader + caplen;
      if (next > end || caplen > MAX_RECORD_BYTES) break;
      rec.tsSec = view.getUint32(p, le);
      rec.tsNsec = view.getUint32(p + 4, le) * fractionScale;
      if (rec.tsNsec >= 1_000_000_000 && normaliseTime(rec) && badFractions++ === 0) {
        report(base + p, "timestamp fraction of a second or more: carried into the seconds", false);
      }
      rec.capturedLength = caplen;
      rec.originalLength = view.getUint32(p + 12, le);
      rec.window = bytes;
      rec.dataStart = p + recordHeader;
      rec.fileOffset = base + p;
      sink.record(rec);
      packets++;
      p = next;
    }
    cur.pos = p;
    let need = recordHeader;
    if (cur.available >= recordHeader) {
      const caplen = view.getUint32(p + 8, le);
      if (caplen > MAX_RECORD_BYTES) {
        report(cur.offset, `absurd captured length ${caplen} in record header`, true);
        break;
      }
      need += caplen;
    }
    if (await cur.fill(need, packets)) continue;
    const left = cur.available;
    if (left === 0) break;
    if (left < recordHeader) {
      report(cur.offset, `truncated record header (${left} of ${recordHeader} bytes at end of file)`, true);
    } else {
      const len = cur.view.getUint32(cur.pos + 8, le);
      report(cur.offset, `record of ${len} bytes runs past the end of the file (${left - recordHeader} bytes left)`, true);
    }
    break;
  }
  opts.onProgress?.(cur.bytesRead, packets);
  return {
    format,
    notes: badFractions > 1 ? [`${badFractions} records had a timestamp fraction of a second or more`] : [],
  };
}
