// The `parallax diff --json` document (docs/diff-json.md, docs/diff-schema.json): a plain
// JSON view of a DiffResult, with per-packet pairs only when asked for.

import { RowStatus, directionName, type ClockModel, type DiffEvent, type DiffResult, type Finding, type Rewrite } from "./types";

export interface DiffJsonPair {
  session: number;
  direction: "client-to-server" | "server-to-client";
  /** [frame in A, frame in B], from 1. */
  frames: [number, number];
  owdMs: number;
  aboveMinMs: number;
  /** Present and true for an extra copy (duplicate) of an already received packet. */
  duplicate?: boolean;
}

export interface DiffJson {
  version: 1;
  captures: { file: string; format: string; packets: number; firstTime: number | null; lastTime: number | null }[];
  clock: Pick<ClockModel, "offsetSeconds" | "skewPpm" | "skewSpreadPpm" | "assumption" | "source" | "referenceB" | "minDelayMs">;
  reversed: boolean;
  sessions: {
    id: number;
    protocol: string;
    sides: { capture: 0 | 1; client: string; server: string; packets: number }[];
    confidence: number;
    evidence: string[];
    rewrites: Rewrite[];
    oneSided?: string;
    notes: string[];
    counts: Record<string, number>;
  }[];
  events: DiffEvent[];
  findings: Finding[];
  pairs?: DiffJsonPair[];
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export function diffToJson(result: DiffResult, withPackets: boolean): DiffJson {
  const { rows, clock } = result;
  const doc: DiffJson = {
    version: 1,
    captures: result.captures.map(({ file, format, packets, firstTime, lastTime }) => ({ file, format, packets, firstTime, lastTime })),
    clock: {
      offsetSeconds: clock.offsetSeconds,
      skewPpm: clock.skewPpm,
      skewSpreadPpm: clock.skewSpreadPpm,
      assumption: clock.assumption,
      source: clock.source,
      referenceB: clock.referenceB,
      minDelayMs: clock.minDelayMs,
    },
    reversed: result.reversed,
    sessions: result.sessions.map((s) => ({
      id: s.id,
      protocol: s.protocol,
      sides: s.sides.map(({ capture, client, server, packets }) => ({ capture, client, server, packets })),
      confidence: s.confidence,
      evidence: s.evidence,
      rewrites: s.rewrites,
      ...(s.oneSided ? { oneSided: s.oneSided } : {}),
      notes: s.notes,
      counts: { ...s.counts },
    })),
    events: result.events,
    findings: result.findings,
  };
  if (withPackets) {
    const pairs: DiffJsonPair[] = [];
    for (let k = 0; k < rows.count; k++) {
      if (rows.status[k] !== RowStatus.MATCHED && rows.status[k] !== RowStatus.DUPLICATED) continue;
      pairs.push({
        session: rows.session[k],
        direction: directionName(rows.direction[k]),
        frames: [rows.frameA[k], rows.frameB[k]],
        owdMs: round(rows.owdMs[k], 6),
        aboveMinMs: round(rows.aboveMinMs[k], 6),
        ...(rows.status[k] === RowStatus.DUPLICATED ? { duplicate: true } : {}),
      });
    }
    doc.pairs = pairs;
  }
  return doc;
}
