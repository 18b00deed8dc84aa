// Which addresses belong to the host that made a capture, inferred from its traffic alone
// (the capture cards show it; capture files rarely say where they were taken).
import { L3, type PacketTable } from "../model/packet-table";

/**
 * The capturing host is an endpoint of most of what it captures (candidates: addresses in at
 * least a quarter of the IP packets), and what it sends has not crossed a router yet, so it
 * carries an initial TTL. Candidates that mostly send with an initial TTL are the host; when
 * none does (a capture on a router or a span port), all candidates are listed.
 */
const HOST_SHARE = 0.25;
const MAX_HOSTS = 4;
const INITIAL_TTLS = new Set([32, 64, 128, 255]);

/** The host's addresses, most frequent first (at most four); empty without IP traffic. */
export function captureHostAddresses(t: PacketTable): string[] {
  const c = t.columns;
  const seen = new Uint32Array(t.addresses.text.length);
  const sent = new Uint32Array(t.addresses.text.length);
  const sentInitialTtl = new Uint32Array(t.addresses.text.length);
  let ipPackets = 0;
  for (let row = 0; row < t.count; row++) {
    if (c.l3[row] !== L3.IPV4 && c.l3[row] !== L3.IPV6) continue;
    ipPackets++;
    seen[c.src[row]]++;
    sent[c.src[row]]++;
    if (INITIAL_TTLS.has(c.ttl[row])) sentInitialTtl[c.src[row]]++;
    if (c.dst[row] !== c.src[row]) seen[c.dst[row]]++;
  }
  const candidates: number[] = [];
  for (let id = 1; id < seen.length; id++) if (ipPackets > 0 && seen[id] >= ipPackets * HOST_SHARE) candidates.push(id);
  candidates.sort((x, y) => seen[y] - seen[x]);
  const senders = candidates.filter((id) => sentInitialTtl[id] * 2 > sent[id]);
  const hosts = senders.length > 0 ? senders : candidates;
  return hosts.slice(0, MAX_HOSTS).map((id) => t.addresses.text[id]);
}
