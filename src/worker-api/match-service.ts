// The match worker's implementation (workers/match.worker.ts exposes it): keeps the decoded
// captures and the current DiffResult, and answers the UI page by page. Pure TS, so Node
// tests run it against real captures.
import { groupFindings } from "../core/findings/groups";
import { diffCaptures } from "../core/match/diff";
import { Direction, RowFlag, RowStatus, type DiffEvent, type DiffResult, type FieldDiff } from "../core/match/types";
import type { PacketTable } from "../core/model/packet-table";
import { blobSource } from "./blob-source";
import { delaySeries } from "../core/match/delay-series";
import { compareDissections } from "../core/match/field-diff";
import { alignedOrder, type AlignedOrder } from "../core/match/row-order";
import { readFrames } from "./frame-bytes";
import type {
  AlignedPage,
  AlignedRow,
  ClockSummary,
  DelayChart,
  DiffOverrides,
  DiffOverview,
  MatchWorkerApi,
  OneSidedSession,
  PacketDetails,
  RowPosition,
  RowStatus as RowStatusName,
  SessionDetail,
  SessionPage,
  SessionQuery,
  SessionRow,
} from "./match-api";
import { packetCells } from "../core/export/packet-cells";
import { dissectFrame } from "../core/decode/dissect";
import { isProblem, querySessions, sessionRows } from "../core/match/session-rows";
import { wiresharkFilter } from "../core/filter/wireshark-filter";

interface Capture {
  table: PacketTable;
  file: File;
}

/** Everything derived from one diff; replaced wholesale by the next one. */
interface Current {
  version: number;
  a: Capture;
  b: Capture;
  result: DiffResult;
  sessions: SessionRow[];
  /** The last query's order, kept because the UI asks for it page after page. */
  order: { key: string; indexes: number[] } | null;
  /** Events by "capture:frame" of the frames they name. */
  eventsByFrame: Map<string, DiffEvent[]>;
  /** The last aligned-row order asked for (session, order), kept for the pages that follow. */
  rowOrder: { key: string; indexes: Uint32Array } | null;
}

/** Thrown for a request made against a diff that has been replaced; the UI drops it anyway. */
export class StaleRequest extends Error {
  constructor(version: number) {
    super(`stale request for diff version ${version}`);
  }
}

const STATUS_NAMES: Record<number, RowStatusName> = {
  [RowStatus.MATCHED]: "matched",
  [RowStatus.LOST]: "lost",
  [RowStatus.INJECTED]: "injected",
  [RowStatus.DUPLICATED]: "duplicated",
  [RowStatus.OUTSIDE_WINDOW]: "outside-window",
  [RowStatus.ONE_SIDED]: "one-sided",
};

function statusName(status: number, flags: number): RowStatusName {
  if (status === RowStatus.MATCHED && flags & RowFlag.MODIFIED) return "modified";
  if (status === RowStatus.MATCHED && flags & RowFlag.REORDERED) return "reordered";
  return STATUS_NAMES[status] ?? "matched";
}

const FLAG_NOTES: Array<[number, string]> = [
  [RowFlag.RETRANSMISSION, "retransmission"],
  [RowFlag.CHECKSUM_OFFLOAD, "bad checksum at the sender: checksum offload, not corruption"],
  [RowFlag.SEGMENTED, "segmentation offload: matched by sequence range"],
  [RowFlag.REORDERED, "reordered"],
];

function indexEvents(events: DiffEvent[]): Map<string, DiffEvent[]> {
  const map = new Map<string, DiffEvent[]>();
  for (const e of events) {
    for (const f of e.frames) {
      const key = `${f.capture}:${f.frame}`;
      const list = map.get(key);
      if (list) list.push(e);
      else map.set(key, [e]);
    }
  }
  return map;
}

function clockSummary(result: DiffResult): ClockSummary {
  const { offsetSeconds, skewPpm, skewSpreadPpm, assumption, source } = result.clock;
  return { offsetSeconds, skewPpm, skewSpreadPpm, assumption, source };
}

export class MatchService implements MatchWorkerApi {
  private captures = new Map<number, Capture>();
  private current: Current | null = null;

  addCapture(captureId: number, table: PacketTable, file: File): void {
    this.captures.set(captureId, { table, file });
  }

  removeCapture(captureId: number): void {
    this.captures.delete(captureId);
  }

  async diff(version: number, a: number, b: number, overrides: DiffOverrides): Promise<DiffOverview> {
    const ca = this.captures.get(a);
    const cb = this.captures.get(b);
    if (!ca || !cb) throw new Error("both captures must be read before they can be compared");
    const result = diffCaptures(ca.table, cb.table, {
      clock:
        overrides.clockOffsetSeconds === null
          ? undefined
          : { offsetSeconds: overrides.clockOffsetSeconds, skewPpm: overrides.clockSkewPpm ?? undefined },
      manualPairs: overrides.manualPairs,
      manualUnpairs: overrides.manualUnpairs,
    });
    this.current = {
      version,
      a: ca,
      b: cb,
      result,
      sessions: sessionRows(result),
      order: null,
      eventsByFrame: indexEvents(result.events),
      rowOrder: null,
    };
    return {
      version,
      findings: groupFindings(result.findings),
      clock: clockSummary(result),
      sessionCount: result.sessions.length,
      reversed: result.reversed,
    };
  }

  private at(version: number): Current {
    if (!this.current || this.current.version !== version) throw new StaleRequest(version);
    return this.current;
  }

  async getSessions(version: number, query: SessionQuery, offset: number, limit: number): Promise<SessionPage> {
    const cur = this.at(version);
    const key = JSON.stringify(query);
    if (cur.order?.key !== key) cur.order = { key, indexes: querySessions(cur.sessions, query) };
    const indexes = cur.order.indexes;
    return { version, total: indexes.length, offset, rows: indexes.slice(offset, offset + limit).map((i) => cur.sessions[i]) };
  }

  async getSession(version: number, sessionId: number): Promise<SessionDetail> {
    const cur = this.at(version);
    const session = cur.result.sessions[sessionId];
    const filters = [0, 1].map((capture) => {
      const side = session.sides.find((s) => s.capture === capture);
      return side ? wiresharkFilter(session.protocol, side.client, side.server) : null;
    }) as [string | null, string | null];
    return {
      version,
      row: cur.sessions[sessionId],
      filters,
      evidence: session.evidence,
      notes: session.notes,
      rewriteList: session.rewrites.map((r) => ({ ...r })),
    };
  }

  /** Session-relative row indexes in `order`, sorted once per (session, order). */
  private ordered(cur: Current, sessionId: number, order: AlignedOrder): Uint32Array {
    const key = `${sessionId}|${order.by}|${order.descending}`;
    if (cur.rowOrder?.key !== key) cur.rowOrder = { key, indexes: alignedOrder(cur.result.rows, sessionId, order) };
    return cur.rowOrder.indexes;
  }

  async getAlignedRows(version: number, sessionId: number, offset: number, limit: number, order: AlignedOrder): Promise<AlignedPage> {
    const cur = this.at(version);
    const start = cur.result.rows.sessionRowStart[sessionId];
    const indexes = this.ordered(cur, sessionId, order);
    const out: AlignedRow[] = [];
    for (let p = offset; p < Math.min(indexes.length, offset + limit); p++) out.push(this.alignedRow(cur, indexes[p], start + indexes[p]));
    return { version, sessionId, total: indexes.length, offset, rows: out };
  }

  async rowAt(version: number, sessionId: number, position: number, order: AlignedOrder): Promise<RowPosition | null> {
    const indexes = this.ordered(this.at(version), sessionId, order);
    return position >= 0 && position < indexes.length ? { position, index: indexes[position] } : null;
  }

  async getDelayChart(version: number, sessionId: number, width: number): Promise<DelayChart> {
    const cur = this.at(version);
    const series = delaySeries(cur.result, cur.a.table, cur.b.table, sessionId, width);
    return { version, sessionId, clock: clockSummary(cur.result), ...series };
  }

  private alignedRow(cur: Current, index: number, r: number): AlignedRow {
    const { rows } = cur.result;
    const frameA = rows.frameA[r];
    const frameB = rows.frameB[r];
    const events = [
      ...(frameA ? (cur.eventsByFrame.get(`0:${frameA}`) ?? []) : []),
      ...(frameB ? (cur.eventsByFrame.get(`1:${frameB}`) ?? []) : []),
    ];
    const changedFields: FieldDiff[] = [];
    const notes: string[] = [];
    for (const e of new Set(events)) {
      if (e.kind === "modified" && e.fields) changedFields.push(...e.fields);
      if (e.detail) notes.push(e.detail);
    }
    for (const [flag, note] of FLAG_NOTES) if (rows.flags[r] & flag) notes.push(note);
    const owd = rows.owdMs[r];
    return {
      index,
      status: statusName(rows.status[r], rows.flags[r]),
      direction: rows.direction[r] === Direction.CLIENT_TO_SERVER ? "c2s" : "s2c",
      owdMs: Number.isNaN(owd) ? null : owd,
      aboveMinMs: Number.isNaN(rows.aboveMinMs[r]) ? null : rows.aboveMinMs[r],
      a: frameA ? packetCells(cur.a.table, frameA - 1) : null,
      b: frameB ? packetCells(cur.b.table, frameB - 1) : null,
      changedFields: changedFields.map((f) => ({ ...f })),
      notes: [...new Set(notes)],
    };
  }

  async findProblem(version: number, sessionId: number, from: number, direction: 1 | -1, order: AlignedOrder): Promise<RowPosition | null> {
    const cur = this.at(version);
    const { rows } = cur.result;
    const start = rows.sessionRowStart[sessionId];
    const indexes = this.ordered(cur, sessionId, order);
    for (let p = from + direction; p >= 0 && p < indexes.length; p += direction) {
      const r = start + indexes[p];
      if (isProblem(rows.status[r], rows.flags[r])) return { position: p, index: indexes[p] };
    }
    return null;
  }

  async getPacketDetails(version: number, sessionId: number, rowIndex: number): Promise<PacketDetails> {
    const cur = this.at(version);
    const { rows } = cur.result;
    const r = rows.sessionRowStart[sessionId] + rowIndex;
    const frames = [rows.frameA[r], rows.frameB[r]];
    const captures = [cur.a, cur.b];
    const bytes = await Promise.all(
      frames.map(async (frame, i) =>
        frame
          ? ((await readFrames(blobSource(captures[i].file, captures[i].file.name), captures[i].table, [frame])).get(frame) ?? null)
          : null,
      ),
    );
    const dissected = bytes.map((b, i) => (b ? { fields: dissectFrame(captures[i].table, frames[i] - 1, b), bytes: b } : null));
    const compared = compareDissections(dissected[0], dissected[1]);
    const copy = (i: 0 | 1) => {
      const c = compared[i];
      return c ? { capture: i, frame: frames[i], fields: c.fields, bytes: bytes[i]!, changedBytes: c.changedBytes } : null;
    };
    return { version, a: copy(0), b: copy(1) };
  }

  async oneSidedSessions(version: number, capture: 0 | 1, limit: number): Promise<OneSidedSession[]> {
    const cur = this.at(version);
    const out: OneSidedSession[] = [];
    for (const s of cur.result.sessions) {
      if (s.sides.length !== 1 || s.sides[0].capture !== capture) continue;
      const side = s.sides[0];
      out.push({ id: s.id, flow: side.flow, protocol: s.protocol, endpoints: `${side.client} → ${side.server}`, packets: side.packets });
      if (out.length >= limit) break;
    }
    return out;
  }
}
