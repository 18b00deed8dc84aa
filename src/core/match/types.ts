// The result of comparing two captures of the same traffic (capture A = 0, nearer the
// client; capture B = 1, nearer the server): paired sessions, aligned packets, events,
// the clock model and plain-language findings. Per-packet data stays columnar.

import type { CaptureFormat } from "../formats/types";

/** 0 = capture A (the user's first file), 1 = capture B. */
export type CaptureIndex = 0 | 1;

/** Direction codes used in typed-array columns. */
export const Direction = {
  CLIENT_TO_SERVER: 0,
  SERVER_TO_CLIENT: 1,
} as const;
export type DirectionCode = (typeof Direction)[keyof typeof Direction];
/** Both directions, in one array for every loop over them (a literal in a per-session loop is a new array each time). */
export const DIRECTIONS = [Direction.CLIENT_TO_SERVER, Direction.SERVER_TO_CLIENT] as const;
export type DirectionName = "client-to-server" | "server-to-client";

/** What happened to the packet(s) of one aligned row (column `status`). */
export const RowStatus = {
  /** Seen at both points: frameA and frameB are set. */
  MATCHED: 0,
  /** Sent, never seen at the receiving point while it was capturing: only the sender's frame is set. */
  LOST: 1,
  /** Seen at the receiving point, never sent: only the receiver's frame is set. */
  INJECTED: 2,
  /** An extra copy at the receiving point of a packet already matched (both frames set). */
  DUPLICATED: 3,
  /** Only one frame set; the other capture was not running at that time. */
  OUTSIDE_WINDOW: 4,
  /** Only one frame set, in a session that does not cross the other capture point. */
  ONE_SIDED: 5,
} as const;
export type RowStatusCode = (typeof RowStatus)[keyof typeof RowStatus];

/** Bits of column `flags` of AlignedRows. */
export const RowFlag = {
  /** Fields differ beyond the session's stable rewrites (see the row's `modified` event). */
  MODIFIED: 1 << 0,
  /** Arrived after a packet that was sent later. */
  REORDERED: 1 << 1,
  /** Bad checksum on the sending side, good on the receiving side: checksum offload, not corruption. */
  CHECKSUM_OFFLOAD: 1 << 2,
  /** Part of a one-to-many mapping by sequence range (TSO super-segment / GRO merge). */
  SEGMENTED: 1 << 3,
  /** A TCP retransmission (same sequence range sent again by the sender). */
  RETRANSMISSION: 1 << 4,
} as const;

/**
 * Every packet of both captures that belongs to a session, in one table, grouped by
 * session (rows of session s are sessionRowStart[s] .. sessionRowStart[s+1]-1) and, within
 * a session, in time order on A's clock. Frame numbers count from 1; 0 means "none".
 */
export interface AlignedRows {
  count: number;
  session: Uint32Array;
  /** Direction code. */
  direction: Uint8Array;
  frameA: Uint32Array;
  frameB: Uint32Array;
  /** RowStatus code. */
  status: Uint8Array;
  /** RowFlag bits. */
  flags: Uint8Array;
  /** One-way delay in ms under the clock model (NaN unless both frames are set). */
  owdMs: Float64Array;
  /** owdMs minus the minimum of its direction: independent of the offset assumption. */
  aboveMinMs: Float64Array;
  /** Length sessions.length + 1. */
  sessionRowStart: Uint32Array;
}

export interface CaptureSummary {
  file: string;
  format: CaptureFormat | "unknown";
  packets: number;
  /** Seconds since the epoch (float) of the first and last frames; null when empty. */
  firstTime: number | null;
  lastTime: number | null;
}

export interface ClockModel {
  /** B's clock minus A's clock at tB0: tA = tB - offsetSeconds - skewPpm*1e-6*(tB - tB0). */
  offsetSeconds: number;
  skewPpm: number;
  /**
   * Half the difference between the skews the two directions' delay envelopes give alone:
   * how well the data determine the drift (null when given, or without both directions).
   */
  skewSpreadPpm: number | null;
  /** tB0: B's first timestamp, seconds since the epoch. */
  referenceB: number;
  /** The assumption the offset rests on, in plain words. */
  assumption: string;
  source: "estimated" | "given";
  /** Minimum one-way delay per direction under the model, ms (null without matched packets). */
  minDelayMs: { clientToServer: number | null; serverToClient: number | null };
  /** Matched packets the lower envelopes were fitted on, per direction. */
  samples: { clientToServer: number; serverToClient: number };
}

/** One endpoint pair as seen in one capture. */
export interface SessionSide {
  capture: CaptureIndex;
  /** Wireshark-style "ip:port", "[v6]:port", or a bare address for ICMP. */
  client: string;
  server: string;
  /** Index of the flow in that capture's FlowTable. */
  flow: number;
  /** Further flows of this capture folded into the session (S4: the reply from another address). */
  extraFlows: number[];
  packets: number;
}

export interface Rewrite {
  /** "src-address", "src-port", "dst-address", "dst-port", "ttl", "tos", "mss", "window-scale", "tcp-options", "isn", "ip-id", "family", "icmp-id". */
  field: string;
  direction: DirectionName;
  from: string;
  to: string;
}

export type OneSidedReason =
  /** Goes toward the other capture point (same server as paired sessions, or the NAT's address): all of it was lost. */
  | "entirely-lost"
  /** The other capture was not running during the session. */
  | "outside-window"
  /** Does not cross the other capture point (local traffic, ARP-like chatter). */
  | "local";

export interface Session {
  id: number;
  protocol: "tcp" | "udp" | "icmp" | "icmpv6" | "other";
  /** One entry for a one-sided session, two (A then B) for a pair. */
  sides: SessionSide[];
  /** 0..1: how sure the pairing is (1 for one-sided sessions: nothing to pair). */
  confidence: number;
  evidence: string[];
  rewrites: Rewrite[];
  oneSided?: OneSidedReason;
  /** Remarks such as "the reply came from 10.0.0.49, the request went to 10.0.0.47". */
  notes: string[];
  /** Set when the user paired this session by hand. */
  manual?: boolean;
  counts: SessionCounts;
}

export interface SessionCounts {
  matched: number;
  lost: number;
  injected: number;
  duplicated: number;
  reordered: number;
  modified: number;
  outsideWindow: number;
}

export type EventKind = "lost" | "injected" | "duplicated" | "reordered" | "modified" | "outside-window";

export interface FrameRef {
  capture: CaptureIndex;
  /** From 1. */
  frame: number;
}

/** One field that differs between the two copies of a packet. */
export interface FieldDiff {
  field: string;
  a: string;
  b: string;
}

export interface DiffEvent {
  kind: EventKind;
  session: number;
  direction: DirectionName;
  frames: FrameRef[];
  /** For "modified": the fields that differ beyond the session's rewrites. */
  fields?: FieldDiff[];
  /** Short explanation, e.g. "retransmission 3 of 5". */
  detail?: string;
}

export type FindingSeverity = "info" | "warning" | "problem";

export interface Finding {
  severity: FindingSeverity;
  /** Stable machine name, e.g. "loss-between-points", "captures-reversed". */
  code: string;
  title: string;
  text: string;
  sessions: number[];
}

export interface DiffResult {
  version: 1;
  captures: [CaptureSummary, CaptureSummary];
  clock: ClockModel;
  sessions: Session[];
  events: DiffEvent[];
  rows: AlignedRows;
  findings: Finding[];
  /** True when A looks like the server side and B the client side (TTL deltas, offload artifacts). */
  reversed: boolean;
}

/** A flow of one capture, by its index in that capture's FlowTable. */
export interface FlowRef {
  capture: CaptureIndex;
  flow: number;
}

export interface DiffOptions {
  /** Overrides the estimated clock: B minus A at B's first timestamp, and B's drift. */
  clock?: { offsetSeconds: number; skewPpm?: number };
  /** Pairs the user imposes (flow of A, flow of B); they win over the automatic pairing. */
  manualPairs?: Array<{ a: number; b: number }>;
  /** Automatic pairs the user rejects; both flows then stay one-sided unless paired otherwise. */
  manualUnpairs?: Array<{ a: number; b: number }>;
}

/** Views of one session's aligned rows (no copy). */
export function sessionRows(rows: AlignedRows, session: number): AlignedRows {
  const start = rows.sessionRowStart[session];
  const end = rows.sessionRowStart[session + 1];
  return {
    count: end - start,
    session: rows.session.subarray(start, end),
    direction: rows.direction.subarray(start, end),
    frameA: rows.frameA.subarray(start, end),
    frameB: rows.frameB.subarray(start, end),
    status: rows.status.subarray(start, end),
    flags: rows.flags.subarray(start, end),
    owdMs: rows.owdMs.subarray(start, end),
    aboveMinMs: rows.aboveMinMs.subarray(start, end),
    sessionRowStart: Uint32Array.of(0, end - start),
  };
}

export function directionName(code: number): DirectionName {
  return code === Direction.CLIENT_TO_SERVER ? "client-to-server" : "server-to-client";
}
