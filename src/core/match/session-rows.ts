// The sessions table's rows, derived once per diff from the matcher's DiffResult (counts per
// direction and median delays come from one pass over the aligned rows), then filtered and
// sorted for each query the UI sends.
import { Direction, RowFlag, RowStatus, type DiffResult, type Rewrite, type Session } from "./types";

export type SessionSortColumn =
  | "id"
  | "protocol"
  | "endpointsA"
  | "endpointsB"
  | "packetsA"
  | "packetsB"
  | "lostC2S"
  | "lostS2C"
  | "injected"
  | "owdC2SMs"
  | "owdS2CMs"
  | "rewrites"
  | "confidence"
  | "problems";

export interface SessionQuery {
  sortBy: SessionSortColumn;
  descending: boolean;
  /** Case-insensitive text every shown row contains (endpoints, protocol, rewrites). */
  filter: string;
}

export interface SessionRow {
  id: number;
  protocol: string;
  /** "client → server" as seen in A / in B; null when the session is not in that capture. */
  endpointsA: string | null;
  endpointsB: string | null;
  /** Flow index of the session in A's and in B's flow table (null when absent), for manual pair/unpair. */
  flows: [number | null, number | null];
  /** Why a session is seen on one side only ("entirely-lost", "outside-window", "local"). */
  oneSided: string | null;
  manual: boolean;
  packetsA: number;
  packetsB: number;
  lostC2S: number;
  lostS2C: number;
  injected: number;
  /** Median one-way delay per direction in ms; null without matched packets. */
  owdC2SMs: number | null;
  owdS2CMs: number | null;
  /** Stable rewrites in words, e.g. "src 192.168.1.66 → 172.16.5.14, TTL −1". */
  rewrites: string;
  /** 0..1. */
  confidence: number;
  /** Packets with any problem (lost, injected, duplicated, reordered, modified). */
  problems: number;
}

const REWRITE_LABELS: Record<string, string> = {
  "src-address": "src",
  "dst-address": "dst",
  "src-port": "sport",
  "dst-port": "dport",
  ttl: "TTL",
  tos: "DSCP/ECN",
  mss: "MSS",
  "window-scale": "WS",
  "tcp-options": "options",
  isn: "ISN",
  "ip-id": "IP ID",
  family: "family",
  "icmp-id": "ICMP id",
};

export function describeRewrite(r: Rewrite): string {
  const arrow = r.direction === "client-to-server" ? "c→s" : "s→c";
  return `${REWRITE_LABELS[r.field] ?? r.field} ${arrow} ${r.from} → ${r.to}`;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  values.sort((x, y) => x - y);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

/** True for rows the n/N keys stop at. */
export function isProblem(status: number, flags: number): boolean {
  return (
    status === RowStatus.LOST ||
    status === RowStatus.INJECTED ||
    status === RowStatus.DUPLICATED ||
    (flags & (RowFlag.MODIFIED | RowFlag.REORDERED)) !== 0
  );
}

export function sessionRows(result: DiffResult): SessionRow[] {
  const { rows } = result;
  return result.sessions.map((s, index) => {
    const lost = [0, 0];
    let problems = 0;
    const owd: [number[], number[]] = [[], []];
    for (let r = rows.sessionRowStart[index]; r < rows.sessionRowStart[index + 1]; r++) {
      const dir = rows.direction[r] === Direction.CLIENT_TO_SERVER ? 0 : 1;
      if (rows.status[r] === RowStatus.LOST) lost[dir]++;
      if (isProblem(rows.status[r], rows.flags[r])) problems++;
      if (!Number.isNaN(rows.owdMs[r])) owd[dir].push(rows.owdMs[r]);
    }
    return toRow(s, lost, problems, median(owd[0]), median(owd[1]));
  });
}

function toRow(s: Session, lost: number[], problems: number, owdC2S: number | null, owdS2C: number | null): SessionRow {
  const side = (capture: number) => s.sides.find((x) => x.capture === capture);
  const a = side(0);
  const b = side(1);
  return {
    id: s.id,
    protocol: s.protocol,
    endpointsA: a ? `${a.client} → ${a.server}` : null,
    endpointsB: b ? `${b.client} → ${b.server}` : null,
    flows: [a?.flow ?? null, b?.flow ?? null],
    oneSided: s.oneSided ?? null,
    manual: s.manual ?? false,
    packetsA: a?.packets ?? 0,
    packetsB: b?.packets ?? 0,
    lostC2S: lost[0],
    lostS2C: lost[1],
    injected: s.counts.injected,
    owdC2SMs: owdC2S,
    owdS2CMs: owdS2C,
    rewrites: s.rewrites.map(describeRewrite).join(", "),
    confidence: s.confidence,
    problems,
  };
}

/** Indexes into `rows` that pass the filter, in the requested order (stable: ties keep session order). */
export function querySessions(rows: SessionRow[], query: SessionQuery): number[] {
  const needle = query.filter.trim().toLowerCase();
  const order: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (needle && !`${r.id} ${r.protocol} ${r.endpointsA ?? ""} ${r.endpointsB ?? ""} ${r.rewrites} ${r.oneSided ?? ""}`.toLowerCase().includes(needle)) continue;
    order.push(i);
  }
  const key = query.sortBy;
  const sign = query.descending ? -1 : 1;
  order.sort((x, y) => {
    const vx = rows[x][key];
    const vy = rows[y][key];
    // Empty values (a missing side, no delay) sort last in both directions.
    if (vx === null || vy === null) return vx === vy ? x - y : vx === null ? 1 : -1;
    const c = typeof vx === "number" && typeof vy === "number" ? vx - vy : String(vx).localeCompare(String(vy));
    return c !== 0 ? sign * c : x - y;
  });
  return order;
}
