// Findings as a person reads them: a kind of finding that concerns many sessions (loss in
// 2,000 of 50,000 sessions) is one line with a count and a few sessions to open, as
// Wireshark's Expert Information groups its items, rather than 2,000 lines.

import type { Finding, FindingSeverity } from "../match/types";

export interface FindingGroup {
  severity: FindingSeverity;
  code: string;
  title: string;
  text: string;
  /** Every session the grouped findings are about. */
  sessions: number[];
  /** The first findings of a group of several, with the session to open when one is about one; none for a finding alone. */
  examples: { title: string; session: number | null }[];
  /** Findings of the group beyond `examples`. */
  more: number;
}

/** Up to this many findings of one kind are listed one by one. */
export const LISTED_PER_KIND = 5;

interface Kind {
  /** The headline of `count` findings of the kind about `sessions` distinct sessions. */
  title(count: number, sessions: number): string;
  /** The explanation when the findings' own differ (they name a direction or list mappings). */
  text: string;
}

const KINDS: Record<string, Kind> = {
  "loss-between-points": {
    title: (n, s) => `Packets lost between the capture points in ${n} session directions (${s} sessions)`,
    text: "Sent at one capture point and never seen at the other while it was capturing: the loss happened between the two capture points (in the network, or below the capture point on either host).",
  },
  "session-entirely-lost": {
    title: (n) => `${n} sessions never reached the other capture point`,
    text: "Seen only in one capture, although they go toward the other capture point: all the packets sent were lost between the two points.",
  },
  injected: {
    title: (n) => `Packets injected on the way in ${n} sessions`,
    text: "Seen at the receiving capture point but never sent from the other one: a middlebox between the points forged or generated them.",
  },
  "modified-in-flight": {
    title: (n) => `Packets modified in flight in ${n} sessions`,
    text: "Beyond the sessions' stable rewrites, fields changed between the two capture points (each session lists its own).",
  },
  "reply-from-other-address": {
    title: (n) => `Replies from a different address in ${n} sessions`,
    text: "The replies came from another address than the one the requests went to (each session says which).",
  },
  "delivered-never-answered": {
    title: (n) => `${n} sessions delivered, never answered`,
    text: "The requests reached the server-side capture point, but no reply was sent: dropped or ignored above the capture point, not lost on the way.",
  },
  "address-translation": {
    title: (n, s) => `${n} server-side addresses each shared by several client-side endpoints (${s} sessions)`,
    text: "Address and port translation (N:1 PAT): each session shows its own mapping.",
  },
};

/**
 * Groups the findings by kind (code), in the order each kind first appears. A kind with more
 * than `listed` findings becomes one group; others stay one group per finding. The grouped
 * findings' common explanation is kept (the kind's own when they differ).
 */
export function groupFindings(findings: readonly Finding[], listed = LISTED_PER_KIND): FindingGroup[] {
  const byCode = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byCode.get(f.code);
    if (list) list.push(f);
    else byCode.set(f.code, [f]);
  }
  const out: FindingGroup[] = [];
  for (const [code, list] of byCode) {
    const kind = KINDS[code];
    if (list.length <= listed || kind === undefined) {
      for (const f of list) out.push(single(f));
      continue;
    }
    const sessions = [...new Set(list.flatMap((f) => f.sessions))];
    out.push({
      severity: worst(list),
      code,
      title: kind.title(list.length, sessions.length),
      text: list.every((f) => f.text === list[0].text) ? list[0].text : kind.text,
      sessions,
      examples: list.slice(0, listed).map(example),
      more: list.length - listed,
    });
  }
  return out;
}

function single(f: Finding): FindingGroup {
  return { severity: f.severity, code: f.code, title: f.title, text: f.text, sessions: f.sessions, examples: [], more: 0 };
}

function example(f: Finding): FindingGroup["examples"][number] {
  return { title: f.title, session: f.sessions.length === 1 ? f.sessions[0] : null };
}

const SEVERITY_ORDER: FindingSeverity[] = ["problem", "warning", "info"];

function worst(list: Finding[]): FindingSeverity {
  return SEVERITY_ORDER.find((s) => list.some((f) => f.severity === s)) ?? list[0].severity;
}
