// A capture file's summary (what `parallax info` and the drop page show): reads the whole
// file once, counting records, bytes and the time span without keeping any packet.

import { openCapture } from "./index";
import { linkTypeLabel } from "./link-types";
import type { ByteSource, CaptureInterfaceInfo, ReadOptions, ReadSummary } from "./types";

export interface CaptureInfo extends ReadSummary {
  interfaces: CaptureInterfaceInfo[];
  /** Distinct link types of the interfaces, DLT names ("EN10MB", "LINUX_SLL2", "LINKTYPE_182"). */
  linkTypes: string[];
  /** Sum of original (on the wire) lengths, as capinfos' "data size". */
  bytes: number;
  /** Sum of captured lengths (what the file holds). */
  capturedBytes: number;
  /** Earliest and latest packet time (as capinfos: min and max, not file order); undefined without packets. */
  first?: { sec: number; nsec: number };
  last?: { sec: number; nsec: number };
  /** Digits after the decimal point the file's timestamps carry (6 for us, 9 for ns). */
  timeDigits: number;
}

export async function captureInfo(source: ByteSource, opts: ReadOptions = {}): Promise<CaptureInfo> {
  const interfaces: CaptureInterfaceInfo[] = [];
  let bytes = 0;
  let capturedBytes = 0;
  let first: CaptureInfo["first"];
  let last: CaptureInfo["last"];
  const summary = await openCapture(
    source,
    {
      addInterface: (id, info) => {
        interfaces[id] = info;
      },
      record: (rec) => {
        bytes += rec.originalLength;
        capturedBytes += rec.capturedLength;
        if (rec.meta?.noTimestamp) return;
        const { tsSec: sec, tsNsec: nsec } = rec;
        if (!first || sec < first.sec || (sec === first.sec && nsec < first.nsec)) first = { sec, nsec };
        if (!last || sec > last.sec || (sec === last.sec && nsec > last.nsec)) last = { sec, nsec };
      },
      error: () => {},
    },
    opts,
  );
  return {
    ...summary,
    interfaces,
    linkTypes: [...new Set(interfaces.map((i) => linkTypeLabel(i.linkType)))],
    bytes,
    capturedBytes,
    first,
    last,
    timeDigits: Math.max(0, ...interfaces.map((i) => i.tsDigits)),
  };
}

function fraction(nsec: number, digits: number): string {
  return digits > 0 ? `.${String(nsec).padStart(9, "0").slice(0, digits)}` : "";
}

/** ISO 8601 UTC with `digits` decimals (truncated, as capinfos does): 2004-12-05T19:16:24.317453Z. */
export function isoTime(sec: number, nsec: number, digits: number): string {
  const date = new Date(sec * 1000);
  if (Number.isNaN(date.getTime())) return `${sec}${fraction(nsec, digits)} s after 1970-01-01T00:00:00Z`;
  return `${date.toISOString().slice(0, 19)}${fraction(nsec, digits)}Z`;
}

/** `last - first` in seconds with `digits` decimals, computed exactly. */
export function durationSeconds(first: { sec: number; nsec: number }, last: { sec: number; nsec: number }, digits: number): string {
  const ns = (BigInt(last.sec) - BigInt(first.sec)) * 1_000_000_000n + BigInt(last.nsec - first.nsec);
  return `${ns / 1_000_000_000n}${fraction(Number(ns % 1_000_000_000n), digits)}`;
}
