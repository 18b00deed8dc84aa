// `parallax info FILE... [--json] [--utc-offset ±HH:MM]`: format, link types, packet count, time
// span, bytes and read errors of each capture file, as text or as one JSON object per file.
//
// --utc-offset gives the zone of captures that record local time without one (NetMon 2.0-2.2).
// Wireshark has no such option: it reads those times in the zone of the machine that opens the
// file (TZ). Without the option Parallax reads them as if they were UTC and says so in the notes;
// files that carry UTC times ignore it.

import { captureInfo, durationSeconds, isoTime, type CaptureInfo } from "../core/formats/capture-info";
import { linkTypeName } from "../core/formats/link-types";
import type { ReadOptions } from "../core/formats/types";
import { parseUtcOffset, UTC_OFFSET_SYNTAX } from "../core/formats/utc-offset";
import { openFileSource } from "./node-source";

interface InfoJson {
  file: string;
  format: string;
  compression: string;
  linkTypes: string[];
  packets: number;
  firstTime: string | null;
  lastTime: string | null;
  durationSeconds: string | null;
  bytes: number;
  capturedBytes: number;
  fileBytes: number;
  errors: { offset: number; frame: number; message: string; fatal: boolean }[];
  notes: string[];
}

function toJson(info: CaptureInfo): InfoJson {
  const { first, last, timeDigits: digits } = info;
  return {
    file: info.file,
    format: info.format,
    compression: info.compression,
    linkTypes: info.linkTypes,
    packets: info.packets,
    firstTime: first ? isoTime(first.sec, first.nsec, digits) : null,
    lastTime: last ? isoTime(last.sec, last.nsec, digits) : null,
    durationSeconds: first && last ? durationSeconds(first, last, digits) : null,
    bytes: info.bytes,
    capturedBytes: info.capturedBytes,
    fileBytes: info.fileBytes,
    errors: info.errors.map(({ offset, frame, message, fatal }) => ({ offset, frame, message, fatal })),
    notes: info.notes,
  };
}

function toText(info: CaptureInfo): string {
  const json = toJson(info);
  const links = info.interfaces.map((i) => i.linkType);
  const linkText = [...new Set(links)].map((lt) => {
    const name = linkTypeName(lt);
    return name ? `${name.dlt} (${name.description})` : `LINKTYPE_${lt} (unknown)`;
  });
  const lines = [
    `File:        ${json.file}`,
    `Format:      ${json.format}${json.compression === "none" ? "" : ` (${json.compression}-compressed)`}`,
    `Link types:  ${linkText.join(", ") || "none"}${info.interfaces.length > 1 ? ` on ${info.interfaces.length} interfaces` : ""}`,
    `Packets:     ${json.packets}`,
    `First:       ${json.firstTime ?? "n/a"}`,
    `Last:        ${json.lastTime ?? "n/a"}`,
    `Duration:    ${json.durationSeconds === null ? "n/a" : `${json.durationSeconds} s`}`,
    `Bytes:       ${json.bytes} on the wire, ${json.capturedBytes} captured, ${json.fileBytes} in the file`,
  ];
  for (const e of json.errors) {
    lines.push(`${`${e.fatal ? "Error" : "Warning"}:`.padEnd(13)}${e.message} (byte offset ${e.offset}, frame ${e.frame})`);
  }
  for (const note of json.notes) lines.push(`Note:        ${note}`);
  return lines.join("\n");
}

const USAGE = `usage: parallax info FILE... [--json] [--utc-offset ±HH:MM]
  --utc-offset  zone of files that record local time with no zone (NetMon 2.0-2.2): ${UTC_OFFSET_SYNTAX}`;

interface InfoArgs {
  json: boolean;
  files: string[];
  readOptions: ReadOptions;
}

/** The command line, or the message saying what is wrong with it. */
function parseArgs(args: string[]): InfoArgs | string {
  const parsed: InfoArgs = { json: false, files: [], readOptions: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--json") {
      parsed.json = true;
    } else if (arg === "--utc-offset" || arg.startsWith("--utc-offset=")) {
      const value = arg === "--utc-offset" ? args[++i] : arg.slice("--utc-offset=".length);
      const minutes = value === undefined ? undefined : parseUtcOffset(value);
      if (minutes === undefined) return `--utc-offset needs ${UTC_OFFSET_SYNTAX}${value === undefined ? "" : `, not "${value}"`}`;
      parsed.readOptions.localTimeOffsetMinutes = minutes;
    } else {
      parsed.files.push(arg);
    }
  }
  return parsed.files.length === 0 ? "no file given" : parsed;
}

export async function runInfo(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(`parallax info: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  const { json, files, readOptions } = parsed;
  let failed = false;
  for (const [i, path] of files.entries()) {
    let info: CaptureInfo;
    try {
      const source = await openFileSource(path);
      try {
        info = await captureInfo(source, readOptions);
      } finally {
        await source.close();
      }
    } catch (e) {
      failed = true;
      process.stderr.write(`parallax info: ${path}: ${e instanceof Error ? e.message : String(e)}\n`);
      continue;
    }
    // "Could not be read at all": no reader took the file, or it stopped before its first packet.
    if (info.format === "unknown" || (info.packets === 0 && info.errors.some((e) => e.fatal))) failed = true;
    process.stdout.write(json ? `${JSON.stringify(toJson(info))}\n` : `${i > 0 ? "\n" : ""}${toText(info)}\n`);
  }
  return failed ? 1 : 0;
}
