// `parallax info FILE... [--json]`: format, link types, packet count, time span, bytes and
// read errors of each capture file, as text or as one JSON object per file.

import { captureInfo, durationSeconds, isoTime, type CaptureInfo } from "../core/formats/capture-info";
import { linkTypeName } from "../core/formats/link-types";
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

export async function runInfo(args: string[]): Promise<number> {
  const json = args.includes("--json");
  const files = args.filter((a) => a !== "--json");
  if (files.length === 0) {
    process.stderr.write("usage: parallax info FILE... [--json]\n");
    return 2;
  }
  let failed = false;
  for (const [i, path] of files.entries()) {
    let info: CaptureInfo;
    try {
      const source = await openFileSource(path);
      try {
        info = await captureInfo(source);
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
