// The interface of workers/match.worker.ts: it keeps both PacketTables and the diff, and
// answers the UI with only what is on screen (a page of sessions, a page of aligned rows,
// one packet's details). Every reply carries the diff `version` it was computed from so
// the UI drops replies that a newer diff made stale.
import type { PacketCells } from "../core/export/packet-cells";
import type { DelaySeries } from "../core/match/delay-series";
import type { FindingGroup } from "../core/findings/groups";
import type { FieldLine } from "../core/match/field-diff";
import type { AlignedOrder } from "../core/match/row-order";
import type { SessionQuery, SessionRow, SessionSortColumn } from "../core/match/session-rows";
import type { PacketTable } from "../core/model/packet-table";

export type { AlignedOrder, DelaySeries, FieldLine, FindingGroup, PacketCells, SessionQuery, SessionRow, SessionSortColumn };

/** What the user changed about the matcher's view of the pair. */
export interface DiffOverrides {
  /** B's clock offset against A in seconds (replaces the estimate); null = estimate. */
  clockOffsetSeconds: number | null;
  /** B's clock skew in ppm; null = estimate (or 0 when only the offset is given). */
  clockSkewPpm: number | null;
  /** Flows paired by hand (flow index in A, flow index in B), as listed in SessionRow.flows. */
  manualPairs: Array<{ a: number; b: number }>;
  /** Automatic pairs split by hand. */
  manualUnpairs: Array<{ a: number; b: number }>;
}

export interface ClockSummary {
  offsetSeconds: number;
  skewPpm: number;
  /** See ClockModel.skewSpreadPpm. */
  skewSpreadPpm: number | null;
  assumption: string;
  source: "estimated" | "given";
}

export interface DiffOverview {
  version: number;
  /** The diff's findings, a kind with many of them as one group (findings/groups.ts). */
  findings: FindingGroup[];
  clock: ClockSummary;
  sessionCount: number;
  /** A looks like the server side and B like the client side. */
  reversed: boolean;
}

export interface SessionPage {
  version: number;
  total: number;
  offset: number;
  rows: SessionRow[];
}

export type RowStatus =
  | "matched"
  | "modified"
  | "lost"
  | "injected"
  | "duplicated"
  | "reordered"
  | "outside-window"
  | "one-sided";


export interface AlignedRow {
  index: number;
  status: RowStatus;
  direction: "c2s" | "s2c";
  /** One-way delay A→B or B→A in ms under the clock model; null when one side is missing. */
  owdMs: number | null;
  /** owdMs minus its direction's minimum: does not depend on the clock-offset assumption. */
  aboveMinMs: number | null;
  a: PacketCells | null;
  b: PacketCells | null;
  /** Fields that differ between the copies beyond the session's stable rewrites. */
  changedFields: Array<{ field: string; a: string; b: string }>;
  /** Short remarks: "retransmission", "checksum offload", "segmented", the event detail. */
  notes: string[];
}

export interface AlignedPage {
  version: number;
  sessionId: number;
  total: number;
  /** Position of rows[0] in the requested order. */
  offset: number;
  rows: AlignedRow[];
}

/** The delay-over-time chart of one session, and the clock model its delays rest on. */
export interface DelayChart extends DelaySeries {
  version: number;
  sessionId: number;
  clock: ClockSummary;
}

/** A row found by position in an order: where it is listed, and its aligned index (AlignedRow.index). */
export interface RowPosition {
  position: number;
  index: number;
}

export interface SessionDetail {
  version: number;
  row: SessionRow;
  /** Wireshark display filters selecting this session in each capture; null for a missing side. */
  filters: [string | null, string | null];
  evidence: string[];
  notes: string[];
  rewriteList: Array<{ field: string; direction: string; from: string; to: string }>;
}


export interface PacketCopy {
  capture: 0 | 1;
  frame: number;
  fields: FieldLine[];
  bytes: Uint8Array;
  /** Offsets in `bytes` whose value differs from the other copy's byte at the same field position. */
  changedBytes: number[];
}

export interface PacketDetails {
  version: number;
  a: PacketCopy | null;
  b: PacketCopy | null;
}

export interface OneSidedSession {
  id: number;
  flow: number;
  protocol: string;
  endpoints: string;
  packets: number;
}

export interface MatchWorkerApi {
  /** Hands a decoded capture (buffers transferred) and its File (to re-read bytes) to the worker. */
  addCapture(captureId: number, table: PacketTable, file: File): void;
  removeCapture(captureId: number): void;
  /** Compares capture `a` (client side) with `b`; a new version makes older replies stale. */
  diff(version: number, a: number, b: number, overrides: DiffOverrides): Promise<DiffOverview>;
  getSessions(version: number, query: SessionQuery, offset: number, limit: number): Promise<SessionPage>;
  getSession(version: number, sessionId: number): Promise<SessionDetail>;
  /** Rows at positions offset .. offset+limit-1 of the session listed in `order` (sorted in the worker). */
  getAlignedRows(version: number, sessionId: number, offset: number, limit: number, order: AlignedOrder): Promise<AlignedPage>;
  /** The row listed at `position` in `order`; null past the end. */
  rowAt(version: number, sessionId: number, position: number, order: AlignedOrder): Promise<RowPosition | null>;
  /** Next (direction 1) or previous (-1) problem row after position `from` in `order`; null if none. */
  findProblem(version: number, sessionId: number, from: number, direction: 1 | -1, order: AlignedOrder): Promise<RowPosition | null>;
  /** The session's delay-over-time chart, thinned in the worker to about `width` pixel columns. */
  getDelayChart(version: number, sessionId: number, width: number): Promise<DelayChart>;
  /** Both copies of aligned row `rowIndex` (AlignedRow.index, whatever the order). */
  getPacketDetails(version: number, sessionId: number, rowIndex: number): Promise<PacketDetails>;
  /** Sessions seen only in `capture`, candidates for a manual pairing (at most `limit`). */
  oneSidedSessions(version: number, capture: 0 | 1, limit: number): Promise<OneSidedSession[]>;
}
