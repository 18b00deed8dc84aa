// The summary card's facts about one decoded capture, computed in the worker in one pass
// over the columns: time span (packets may be out of time order) and the capturing host.
import { linkTypeLabel, linkTypeName } from "../core/formats/link-types";
import { L3, type PacketTable } from "../core/model/packet-table";
import type { CaptureSummary } from "./capture-api";

/**
 * The capturing host is an endpoint of most of what it captures (candidates: addresses in at
 * least a quarter of the IP packets), and what it sends has not crossed a router yet, so it
 * carries an initial TTL. Candidates that mostly send with an initial TTL are the host; when
 * none does (a capture on a router or a span port), all candidates are listed.
 */
const HOST_SHARE = 0.25;
const MAX_HOSTS = 4;
const INITIAL_TTLS = new Set([32, 64, 128, 255]);

export function captureSummary(t: PacketTable): CaptureSummary {
  const c = t.columns;
  let first = -1;
  let last = -1;
  const seen = new Uint32Array(t.addresses.text.length);
  const sent = new Uint32Array(t.addresses.text.length);
  const sentInitialTtl = new Uint32Array(t.addresses.text.length);
  let ipPackets = 0;
  for (let row = 0; row < t.count; row++) {
    if (first < 0 || c.tsSec[row] < c.tsSec[first] || (c.tsSec[row] === c.tsSec[first] && c.tsNsec[row] < c.tsNsec[first])) first = row;
    if (last < 0 || c.tsSec[row] > c.tsSec[last] || (c.tsSec[row] === c.tsSec[last] && c.tsNsec[row] > c.tsNsec[last])) last = row;
    if (c.l3[row] === L3.IPV4 || c.l3[row] === L3.IPV6) {
      ipPackets++;
      seen[c.src[row]]++;
      sent[c.src[row]]++;
      if (INITIAL_TTLS.has(c.ttl[row])) sentInitialTtl[c.src[row]]++;
      if (c.dst[row] !== c.src[row]) seen[c.dst[row]]++;
    }
  }
  const candidates: number[] = [];
  for (let id = 1; id < seen.length; id++) if (ipPackets > 0 && seen[id] >= ipPackets * HOST_SHARE) candidates.push(id);
  candidates.sort((x, y) => seen[y] - seen[x]);
  const senders = candidates.filter((id) => sentInitialTtl[id] * 2 > sent[id]);
  const hosts = senders.length > 0 ? senders : candidates;
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
    hostAddresses: hosts.slice(0, MAX_HOSTS).map((id) => t.addresses.text[id]),
    errors: t.errors,
    notes: t.notes,
  };
}
