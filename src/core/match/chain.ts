// More than two capture points (S13): diffs each consecutive pair of N captures taken in path
// order and follows every packet from point to point, to say between which two points it was
// lost or modified. A packet's receiver-side frame in hop k is its sender-side frame in hop k+1.

import type { PacketTable } from "../model/packet-table";
import { diffCaptures } from "./diff";
import {
  Direction,
  RowFlag,
  RowStatus,
  directionName,
  type CaptureSummary,
  type DiffResult,
  type DirectionName,
  type FieldDiff,
  type SessionCounts,
} from "./types";

/** Hops are kept as bits of a 32-bit mask per packet (TraceColumns.modifiedHops). */
export const MAX_CHAIN_CAPTURES = 33;

/** What became of a followed packet (column `fate`). */
export const TraceFate = {
  /** Seen at the last point of its direction (the last capture client → server, the first server → client). */
  DELIVERED: 0,
  /** Sent, never seen at the next point while it was capturing: lost on hop `endHop` (a split packet: any of its pieces). */
  LOST: 1,
  /** Its session does not go on past `lastPoint` (the host there is its end point, or it stays local). */
  ENDED: 2,
  /** The next point was not capturing when it would have passed: nothing can be said beyond `lastPoint`. */
  OUTSIDE_WINDOW: 3,
} as const;
export type TraceFateName = "delivered" | "lost" | "ended" | "outside-window";
const FATE_NAMES: TraceFateName[] = ["delivered", "lost", "ended", "outside-window"];

/**
 * Every packet followed along the chain, one row per packet at its origin (the first point
 * where it was seen, in its direction of travel). Frame numbers count from 1; 0 = not seen.
 */
export interface TraceColumns {
  count: number;
  /** Direction code, from the origin hop's session (client → server travels toward higher capture indexes). */
  direction: Uint8Array;
  /** Capture index where the packet was first seen. */
  origin: Uint8Array;
  /** Set when the packet first appeared as injected between the previous point and `origin`. */
  injected: Uint8Array;
  /** frames[capture][trace]: the packet's frame at each point (first copy), 0 where it was not seen. */
  frames: Uint32Array[];
  /** Capture index of the last point where it (or, when it was split, one of its pieces) was seen. */
  lastPoint: Uint8Array;
  /** TraceFate code. */
  fate: Uint8Array;
  /** The hop where it was lost or left the capture window (-1 otherwise). */
  endHop: Int8Array;
  /** Bit k set: its fields changed on hop k (between capture k and k+1) beyond the session's rewrites. */
  modifiedHops: Uint32Array;
}

export interface ChainHop {
  /** Global capture indexes: hop k compares capture k (as A) with capture k+1 (as B). */
  from: number;
  to: number;
  result: DiffResult;
  /** Sum of the session counts of the hop's result. */
  counts: SessionCounts;
}

/** A packet lost or modified on its way, followed from its origin. */
export interface ChainEvent {
  kind: "lost" | "modified";
  direction: DirectionName;
  /** Hop index: the packet was lost or changed between capture `hop` and capture `hop + 1`. */
  hop: number;
  origin: { capture: number; frame: number };
  /** Its frame at each capture in path order, null where it was not seen. */
  frames: (number | null)[];
  /** For "modified": the fields that differ across that hop. */
  fields?: FieldDiff[];
}

export interface ChainFinding {
  severity: "info" | "warning" | "problem";
  /** "chain-loss", "chain-modified", "chain-injected", "chain-delivered", "chain-ended". */
  code: string;
  /** The hop it is about (null for a finding about the whole chain). */
  hop: number | null;
  direction: DirectionName | null;
  packets: number;
  text: string;
}

export interface ChainResult {
  captures: CaptureSummary[];
  /** Short names used in findings (the file names without folder and extension). */
  labels: string[];
  hops: ChainHop[];
  traces: TraceColumns;
  events: ChainEvent[];
  findings: ChainFinding[];
}

/** "mail_sender_client_1" from "/some/dir/mail_sender_client_1.pcapng". */
export function captureLabel(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

function zeroCounts(): SessionCounts {
  return { matched: 0, lost: 0, injected: 0, duplicated: 0, reordered: 0, modified: 0, outsideWindow: 0 };
}

function hopCounts(result: DiffResult): SessionCounts {
  const total = zeroCounts();
  for (const s of result.sessions) for (const key of Object.keys(total) as (keyof SessionCounts)[]) total[key] += s.counts[key];
  return total;
}

/** Growable trace columns; frames per capture are filled as the packet is followed. */
class TraceBuilder {
  count = 0;
  private cap = 256;
  direction = new Uint8Array(this.cap);
  origin = new Uint8Array(this.cap);
  injected = new Uint8Array(this.cap);
  lastPoint = new Uint8Array(this.cap);
  fate = new Uint8Array(this.cap);
  endHop = new Int8Array(this.cap);
  modifiedHops = new Uint32Array(this.cap);
  frames: Uint32Array[];

  constructor(points: number) {
    this.frames = Array.from({ length: points }, () => new Uint32Array(this.cap));
  }

  add(direction: number, origin: number, frame: number, injected: boolean): number {
    if (this.count === this.cap) this.grow();
    const t = this.count++;
    this.direction[t] = direction;
    this.origin[t] = origin;
    this.injected[t] = injected ? 1 : 0;
    this.lastPoint[t] = origin;
    this.fate[t] = TraceFate.ENDED;
    this.endHop[t] = -1;
    this.frames[origin][t] = frame;
    return t;
  }

  private grow(): void {
    this.cap *= 2;
    const grown = <T extends Uint8Array | Int8Array | Uint32Array>(old: T, make: (n: number) => T): T => {
      const next = make(this.cap);
      next.set(old);
      return next;
    };
    this.direction = grown(this.direction, (n) => new Uint8Array(n));
    this.origin = grown(this.origin, (n) => new Uint8Array(n));
    this.injected = grown(this.injected, (n) => new Uint8Array(n));
    this.lastPoint = grown(this.lastPoint, (n) => new Uint8Array(n));
    this.fate = grown(this.fate, (n) => new Uint8Array(n));
    this.endHop = grown(this.endHop, (n) => new Int8Array(n));
    this.modifiedHops = grown(this.modifiedHops, (n) => new Uint32Array(n));
    this.frames = this.frames.map((f) => grown(f, (n) => new Uint32Array(n)));
  }

  finish(): TraceColumns {
    const n = this.count;
    return {
      count: n,
      direction: this.direction.slice(0, n),
      origin: this.origin.slice(0, n),
      injected: this.injected.slice(0, n),
      frames: this.frames.map((f) => f.slice(0, n)),
      lastPoint: this.lastPoint.slice(0, n),
      fate: this.fate.slice(0, n),
      endHop: this.endHop.slice(0, n),
      modifiedHops: this.modifiedHops.slice(0, n),
    };
  }
}

/** Capture indexes after `point` in a direction of travel. */
function beyond(point: number, forward: boolean, points: number): number[] {
  return forward ? Array.from({ length: points - 1 - point }, (_, k) => point + 1 + k) : Array.from({ length: point }, (_, k) => point - 1 - k);
}

/**
 * Follows the packets of one direction hop by hop: client → server walks the hops 0, 1, ...
 * (sender = A side), server → client walks them backwards (sender = B side). Each hop's rows are
 * read once, and one frame → trace array per point is kept: linear in the packets.
 *
 * Segmentation offload: the pieces a packet was split into (TSO at a point) stay in the packet's
 * trace, and the packet counts as lost on the first hop where any piece was lost. Pieces merged
 * into one frame (GRO at a point) are followed on as that frame: the merged traces take the
 * journey of the trace that frame continues, from the merge on.
 */
function follow(hops: ChainHop[], packets: number[], d: number, traces: TraceBuilder): void {
  const forward = d === Direction.CLIENT_TO_SERVER;
  const first = forward ? 0 : hops.length;
  let arrived = new Int32Array(packets[first] + 1).fill(-1);
  let injectedHere = new Uint8Array(packets[first] + 1);
  /** [merged trace, trace it joined, point of the merge], in the order they happened. */
  const merges: [number, number, number][] = [];
  for (let step = 0; step < hops.length; step++) {
    const hop = forward ? step : hops.length - 1 - step;
    const rows = hops[hop].result.rows;
    const [sender, receiver] = forward ? [rows.frameA, rows.frameB] : [rows.frameB, rows.frameA];
    const fromPoint = forward ? hop : hop + 1;
    const toPoint = forward ? hop + 1 : hop;
    const nextArrived = new Int32Array(packets[toPoint] + 1).fill(-1);
    const nextInjected = new Uint8Array(packets[toPoint] + 1);
    for (let r = 0; r < rows.count; r++) {
      if (rows.direction[r] !== d) continue;
      const status = rows.status[r];
      if (status === RowStatus.INJECTED) {
        nextInjected[receiver[r]] = 1;
        continue;
      }
      // An extra copy is counted by the hop; the packet is followed through its first copy.
      if (status === RowStatus.DUPLICATED) continue;
      const f = sender[r];
      // Rows of the receiving side alone (a local session of the next point, a copy outside the window).
      if (f === 0) continue;
      let t = arrived[f];
      if (t === -1) {
        t = traces.add(d, fromPoint, f, injectedHere[f] === 1);
        arrived[f] = t;
      }
      const lost = traces.fate[t] === TraceFate.LOST;
      if (status === RowStatus.MATCHED) {
        const g = receiver[r];
        if (traces.frames[toPoint][t] === 0) traces.frames[toPoint][t] = g;
        traces.lastPoint[t] = toPoint;
        if (!lost) traces.fate[t] = step === hops.length - 1 ? TraceFate.DELIVERED : TraceFate.ENDED;
        if (rows.flags[r] & RowFlag.MODIFIED) traces.modifiedHops[t] |= 1 << hop;
        const other = nextArrived[g];
        if (other === -1) nextArrived[g] = t;
        else if (other !== t) merges.push([t, other, toPoint]);
      } else if (status === RowStatus.LOST) {
        if (!lost) [traces.fate[t], traces.endHop[t]] = [TraceFate.LOST, hop];
      } else if (!lost && traces.lastPoint[t] === fromPoint) {
        // Outside the window or not crossing, unless another piece of it already went on.
        traces.fate[t] = status === RowStatus.OUTSIDE_WINDOW ? TraceFate.OUTSIDE_WINDOW : TraceFate.ENDED;
        traces.endHop[t] = status === RowStatus.OUTSIDE_WINDOW ? hop : -1;
      }
    }
    arrived = nextArrived;
    injectedHere = nextInjected;
  }
  // Latest merges first, so the trace a packet joined already holds its whole journey.
  for (let m = merges.length - 1; m >= 0; m--) {
    const [t, u, point] = merges[m];
    for (const q of beyond(point, forward, packets.length)) {
      if (traces.frames[q][t] === 0) traces.frames[q][t] = traces.frames[q][u];
      if (traces.frames[q][u] !== 0) traces.lastPoint[t] = q;
      // Hop between q and the point before it in the direction of travel.
      const hop = forward ? q - 1 : q;
      traces.modifiedHops[t] |= traces.modifiedHops[u] & (1 << hop);
    }
    if (traces.fate[t] === TraceFate.LOST) continue;
    const lostBefore = traces.fate[u] === TraceFate.LOST && !beyond(point, forward, packets.length).includes(forward ? traces.endHop[u] + 1 : traces.endHop[u]);
    if (!lostBefore) [traces.fate[t], traces.endHop[t]] = [traces.fate[u], traces.endHop[u]];
    else traces.fate[t] = traces.lastPoint[t] === (forward ? packets.length - 1 : 0) ? TraceFate.DELIVERED : TraceFate.ENDED;
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const arrow = (d: DirectionName) => (d === "client-to-server" ? "client → server" : "server → client");

function pointName(labels: string[], k: number): string {
  return `capture ${k + 1} (${labels[k]})`;
}

/** The fields a hop's "modified" event lists, by the sender's frame. */
function modifiedFields(result: DiffResult): Map<string, FieldDiff[]> {
  const out = new Map<string, FieldDiff[]>();
  for (const e of result.events) if (e.kind === "modified" && e.frames.length > 0) out.set(`${e.frames[0].capture}:${e.frames[0].frame}`, e.fields ?? []);
  return out;
}

function chainEvents(hops: ChainHop[], traces: TraceColumns): ChainEvent[] {
  const events: ChainEvent[] = [];
  const fields = hops.map((h) => modifiedFields(h.result));
  const framesOf = (t: number) => traces.frames.map((f) => (f[t] === 0 ? null : f[t]));
  for (let t = 0; t < traces.count; t++) {
    const direction = directionName(traces.direction[t]);
    const origin = { capture: traces.origin[t], frame: traces.frames[traces.origin[t]][t] };
    for (let hop = 0; hop < hops.length; hop++) {
      if (!(traces.modifiedHops[t] & (1 << hop))) continue;
      // In the hop's own numbering the sender is capture 0 client → server, capture 1 server → client.
      const senderSide = direction === "client-to-server" ? 0 : 1;
      const senderFrame = traces.frames[senderSide === 0 ? hop : hop + 1][t];
      events.push({ kind: "modified", direction, hop, origin, frames: framesOf(t), fields: fields[hop].get(`${senderSide}:${senderFrame}`) ?? [] });
    }
    if (traces.fate[t] === TraceFate.LOST) events.push({ kind: "lost", direction, hop: traces.endHop[t], origin, frames: framesOf(t) });
  }
  return events;
}

function chainFindings(hops: ChainHop[], traces: TraceColumns, labels: string[]): ChainFinding[] {
  const findings: ChainFinding[] = [];
  const between = (hop: number) => `between ${pointName(labels, hop)} and ${pointName(labels, hop + 1)}`;
  const lost = hops.map(() => [0, 0]);
  const modified = hops.map(() => [0, 0]);
  for (let t = 0; t < traces.count; t++) {
    const d = traces.direction[t];
    if (traces.fate[t] === TraceFate.LOST) lost[traces.endHop[t]][d]++;
    for (let bits = traces.modifiedHops[t], hop = 0; bits !== 0; bits >>>= 1, hop++) if (bits & 1) modified[hop][d]++;
  }
  for (let hop = 0; hop < hops.length; hop++) {
    for (const d of [0, 1]) {
      const dir = directionName(d);
      if (lost[hop][d] > 0)
        findings.push({ severity: "problem", code: "chain-loss", hop, direction: dir, packets: lost[hop][d], text: `${plural(lost[hop][d], "packet")} lost ${between(hop)}, ${arrow(dir)}` });
      if (modified[hop][d] > 0)
        findings.push({ severity: "warning", code: "chain-modified", hop, direction: dir, packets: modified[hop][d], text: `${plural(modified[hop][d], "packet")} modified ${between(hop)}, ${arrow(dir)}` });
    }
    const injected = hops[hop].counts.injected;
    if (injected > 0) findings.push({ severity: "problem", code: "chain-injected", hop, direction: null, packets: injected, text: `${plural(injected, "packet")} injected ${between(hop)}` });
  }
  const last = labels.length - 1;
  for (const d of [0, 1]) {
    const dir = directionName(d);
    const [start, end] = d === Direction.CLIENT_TO_SERVER ? [0, last] : [last, 0];
    const deliveredFrom = new Array<number>(labels.length).fill(0);
    const ended = new Array<number>(labels.length).fill(0);
    for (let t = 0; t < traces.count; t++) {
      if (traces.direction[t] !== d) continue;
      if (traces.fate[t] === TraceFate.DELIVERED) deliveredFrom[traces.origin[t]]++;
      else if (traces.fate[t] === TraceFate.ENDED && traces.lastPoint[t] !== traces.origin[t]) ended[traces.lastPoint[t]]++;
    }
    deliveredFrom.forEach((n, k) => {
      if (n === 0) return;
      const way = k === start ? "went all the way from" : "went from";
      findings.push({ severity: "info", code: "chain-delivered", hop: null, direction: dir, packets: n, text: `${plural(n, "packet")} ${arrow(dir)} ${way} ${pointName(labels, k)} to ${pointName(labels, end)}` });
    });
    ended.forEach((n, k) => {
      if (n > 0)
        findings.push({ severity: "info", code: "chain-ended", hop: null, direction: dir, packets: n, text: `${plural(n, "packet")} ${arrow(dir)} reached ${pointName(labels, k)} and went no further: their sessions do not continue past it` });
    });
  }
  return findings;
}

/**
 * Compares N ≥ 2 captures taken in path order (capture 0 nearest the client): each consecutive
 * pair with diffCaptures, then follows every packet along the chain.
 */
export function diffChain(tables: PacketTable[], labels: string[] = tables.map((t) => captureLabel(t.file))): ChainResult {
  if (tables.length < 2) throw new Error("a chain needs at least two captures");
  if (tables.length > MAX_CHAIN_CAPTURES) throw new Error(`a chain holds at most ${MAX_CHAIN_CAPTURES} captures`);
  const hops: ChainHop[] = [];
  for (let k = 0; k + 1 < tables.length; k++) {
    const result = diffCaptures(tables[k], tables[k + 1]);
    hops.push({ from: k, to: k + 1, result, counts: hopCounts(result) });
  }
  const captures = [...hops.map((h) => h.result.captures[0]), hops[hops.length - 1].result.captures[1]];
  const builder = new TraceBuilder(tables.length);
  const packets = tables.map((t) => t.count);
  follow(hops, packets, Direction.CLIENT_TO_SERVER, builder);
  follow(hops, packets, Direction.SERVER_TO_CLIENT, builder);
  const traces = builder.finish();
  return { captures, labels, hops, traces, events: chainEvents(hops, traces), findings: chainFindings(hops, traces, labels) };
}

export function fateName(code: number): TraceFateName {
  return FATE_NAMES[code];
}
