// Plain-language findings from a diff: what an engineer would write in the ticket after
// reading the two captures side by side (where packets were lost, what the NAT did,
// where the time goes, what arrived but was never answered).

import { DIRECTIONS, RowFlag, RowStatus, type DiffResult, type Finding, type Session } from "../match/types";

/** Mappings written out in an N:1 translation finding. */
const LISTED_MAPPINGS = 20;

function label(s: Session): string {
  const side = s.sides[0];
  return `${s.protocol.toUpperCase()} ${side.client} → ${side.server}`;
}

/** An endpoint's text without a trailing ":port" (what /:\d+$/ strips), without a regular expression's match per session. */
function addressOf(endpoint: string): string {
  let k = endpoint.length;
  while (k > 0 && endpoint.charCodeAt(k - 1) >= 48 && endpoint.charCodeAt(k - 1) <= 57) k--;
  return k > 0 && k < endpoint.length && endpoint.charCodeAt(k - 1) === 58 ? endpoint.slice(0, k - 1) : endpoint;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function fmtMs(v: number): string {
  return `${v.toFixed(v < 10 ? 2 : 1)} ms`;
}

export function buildFindings(result: DiffResult): Finding[] {
  const out: Finding[] = [];
  const { sessions, events, rows, clock } = result;

  if (result.reversed) {
    out.push({
      severity: "warning",
      code: "captures-reversed",
      title: "The captures look swapped",
      text: "TTLs drop from B to A rather than from A to B: B seems to be the client-side capture. Give the client-side capture first; lost and injected are named from the order given.",
      sessions: [],
    });
  }

  // Lost per session direction (session * 2 + direction), and modified fields of the few sessions that have any.
  const lostByDir = new Uint32Array(sessions.length * 2);
  const modifiedFields = new Map<number, Set<string>>();
  for (const e of events) {
    if (e.kind === "lost") lostByDir[e.session * 2 + (e.direction === "client-to-server" ? 0 : 1)]++;
    if (e.kind === "modified") {
      let fields = modifiedFields.get(e.session);
      if (!fields) modifiedFields.set(e.session, (fields = new Set()));
      for (const f of e.fields ?? []) fields.add(f.field);
    }
  }
  for (const s of sessions) {
    if (s.oneSided === "entirely-lost") {
      out.push({
        severity: "problem",
        code: "session-entirely-lost",
        title: `Session never reached the other capture point: ${label(s)}`,
        text: `Seen only in capture ${s.sides[0].capture === 0 ? "A" : "B"}, although it goes toward the other capture point (same servers or NAT address as the paired sessions): all ${plural(s.counts.lost, "packet")} sent were lost between the two points.`,
        sessions: [s.id],
      });
      continue;
    }
    for (const d of DIRECTIONS) {
      const lost = lostByDir[s.id * 2 + d];
      if (!lost) continue;
      const [from, to] = d === 0 ? ["client", "server"] : ["server", "client"];
      out.push({
        severity: "problem",
        code: "loss-between-points",
        title: `${plural(lost, "packet")} lost ${from} → ${to}: ${label(s)}`,
        text: `Sent at the ${from}-side capture point and never seen at the ${to}-side one while it was capturing: the loss happened between the two capture points (in the network, or below the capture point on either host).`,
        sessions: [s.id],
      });
    }
    if (s.counts.injected) {
      out.push({
        severity: "problem",
        code: "injected",
        title: `${plural(s.counts.injected, "packet")} injected on the way: ${label(s)}`,
        text: "Seen at the receiving capture point but never sent from the other one: a middlebox between the points forged or generated them (for example a TCP reset).",
        sessions: [s.id],
      });
    }
    if (s.counts.modified) {
      const fields = modifiedFields.get(s.id) ?? [];
      out.push({
        severity: "problem",
        code: "modified-in-flight",
        title: `${plural(s.counts.modified, "packet")} modified in flight: ${label(s)}`,
        text: `Beyond the session's stable rewrites, these fields changed between the two capture points: ${[...fields].join(", ")}.`,
        sessions: [s.id],
      });
    }
    for (const note of s.notes) {
      out.push({ severity: "warning", code: "reply-from-other-address", title: `Reply from a different address: ${label(s)}`, text: note, sessions: [s.id] });
    }
    if (s.sides.length === 2 && s.counts.matched > 0 && s.protocol !== "tcp") {
      const start = rows.sessionRowStart[s.id];
      const end = rows.sessionRowStart[s.id + 1];
      let c2s = 0;
      let s2c = 0;
      for (let k = start; k < end; k++) {
        if (rows.direction[k] === 0) c2s++;
        else s2c++;
      }
      if (c2s > 0 && s2c === 0) {
        out.push({
          severity: "problem",
          code: "delivered-never-answered",
          title: `Delivered, never answered: ${label(s)}`,
          text: "The requests reached the server-side capture point, but no reply was sent: the packets were delivered to the capture point and dropped or ignored above it (application, socket, or receive offload), not lost on the way.",
          sessions: [s.id],
        });
      }
    }
  }

  // N:1 address mapping (PAT): several client-side endpoints behind one server-side address.
  const behind = new Map<string, { sessions: Session[]; clients: Set<string> }>();
  for (const s of sessions) {
    if (s.sides.length !== 2) continue;
    const bAddr = addressOf(s.sides[1].client);
    const group = behind.get(bAddr);
    if (group) group.sessions.push(s);
    else behind.set(bAddr, { sessions: [s], clients: new Set() });
  }
  for (const [addr, { sessions: list, clients }] of behind) {
    for (const s of list) clients.add(addressOf(s.sides[0].client));
    if (list.length < 2 || ![...clients].some((c) => c !== addr)) continue;
    // The first mappings only: behind one address there can be 40,000 (1.8 MB of text).
    const listed = list.slice(0, LISTED_MAPPINGS).map((s) => `${s.sides[0].client} → ${s.sides[1].client}`);
    const rest = list.length - listed.length;
    const table = `${listed.join("; ")}${rest > 0 ? `; and ${rest} more (each session shows its own)` : ""}`;
    out.push({
      severity: "info",
      code: "address-translation",
      title: `${plural(list.length, "session")} from ${plural(clients.size, "client address", "client addresses")} share the server-side address ${addr}`,
      text: `Address and port translation (${clients.size > 1 ? "N:1 PAT" : "NAT"}): ${table}.`,
      sessions: list.map((s) => s.id),
    });
  }

  let offload = 0;
  let segmented = 0;
  for (let k = 0; k < rows.count; k++) {
    if (rows.flags[k] & RowFlag.CHECKSUM_OFFLOAD) offload++;
    if (rows.flags[k] & RowFlag.SEGMENTED && rows.status[k] === RowStatus.MATCHED) segmented++;
  }
  if (offload) {
    out.push({
      severity: "info",
      code: "checksum-offload",
      title: `${plural(offload, "packet")} with a bad checksum at the sender only`,
      text: "The sending host's capture shows bad checksums that are good at the other point: the NIC computes them after the capture (checksum offload). Not corruption.",
      sessions: [],
    });
  }
  if (segmented) {
    out.push({
      severity: "info",
      code: "segmentation-offload",
      title: `${plural(segmented, "packet")} matched by sequence range`,
      text: "One side holds super-segments (TSO/GSO at the sender, or GRO/LRO at the receiver) that the other side sees as several segments; they were matched by sequence range and are not loss or rewrites.",
      sessions: [],
    });
  }
  const up = clock.minDelayMs.clientToServer;
  const down = clock.minDelayMs.serverToClient;
  if (up !== null && down !== null) {
    out.push({
      severity: "info",
      code: "path-delay",
      title: `Path delay: at least ${fmtMs(up)} client → server and ${fmtMs(down)} server → client`,
      text: `B's clock is ${(clock.offsetSeconds * 1e3).toFixed(3)} ms ahead of A's (skew ${clock.skewPpm.toFixed(1)} ppm, ${clock.source}). ${clock.assumption} This time is spent between the two capture points, not in either host.`,
      sessions: [],
    });
  }
  return out;
}
