// The summary card's facts about one decoded capture, assembled in the worker: time span
// (packets may be out of time order) and the capturing host as src/core infers it.
import { captureHostAddresses } from "../core/flows/capture-host";
import { linkTypeLabel, linkTypeName } from "../core/formats/link-types";
import type { PacketTable } from "../core/model/packet-table";
import type { CaptureSummary } from "./capture-api";

export function captureSummary(t: PacketTable): CaptureSummary {
  const c = t.columns;
  let first = -1;
  let last = -1;
  for (let row = 0; row < t.count; row++) {
    if (first < 0 || c.tsSec[row] < c.tsSec[first] || (c.tsSec[row] === c.tsSec[first] && c.tsNsec[row] < c.tsNsec[first])) first = row;
    if (last < 0 || c.tsSec[row] > c.tsSec[last] || (c.tsSec[row] === c.tsSec[last] && c.tsNsec[row] > c.tsNsec[last])) last = row;
  }
  const ns = (row: number) => BigInt(c.tsSec[row]) * 1_000_000_000n + BigInt(c.tsNsec[row]);
  return {
    file: t.file,
    format: t.format,
    compression: t.compression,
    fileBytes: t.fileBytes,
    packets: t.count,
    linkTypes: [...new Set(t.interfaces.map((i) => linkTypeName(i.linkType)?.description ?? linkTypeLabel(i.linkType)))],
    firstTimeNs: first < 0 ? null : ns(first),
    lastTimeNs: last < 0 ? null : ns(last),
    hostAddresses: captureHostAddresses(t),
    errors: t.errors,
    notes: t.notes,
  };
}
