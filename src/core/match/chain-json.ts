// The `parallax diff --json` document for three or more captures (docs/diff-json.md, "Chains"):
// one two-capture document per hop plus what following each packet along the chain found.

import { fateName, TraceFate, type ChainEvent, type ChainFinding, type ChainResult, type TraceFateName } from "./chain";
import { diffToJson, type DiffJson } from "./diff-json";
import { directionName, type DirectionName, type SessionCounts } from "./types";

export interface ChainJsonTrace {
  direction: DirectionName;
  origin: number;
  /** Present and true when it first appeared as injected on the hop into `origin`. */
  injected?: boolean;
  /** Frame at each capture in path order, null where the packet was not seen. */
  frames: (number | null)[];
  lastPoint: number;
  fate: TraceFateName;
  /** The hop where it was lost or where the next capture was not running. */
  endHop?: number;
  /** Hops across which it was modified. */
  modifiedHops?: number[];
}

export interface ChainJson {
  version: 1;
  captures: DiffJson["captures"];
  hops: (DiffJson & { from: number; to: number })[];
  chain: {
    labels: string[];
    summary: { packets: number; delivered: number; lost: number; ended: number; outsideWindow: number; modified: number };
    hops: { hop: number; from: number; to: number; counts: SessionCounts }[];
    events: ChainEvent[];
    findings: ChainFinding[];
    traces?: ChainJsonTrace[];
  };
}

function modifiedHopList(mask: number): number[] {
  const out: number[] = [];
  for (let bits = mask, hop = 0; bits !== 0; bits >>>= 1, hop++) if (bits & 1) out.push(hop);
  return out;
}

export function chainToJson(result: ChainResult, withPackets: boolean): ChainJson {
  const t = result.traces;
  const summary = { packets: t.count, delivered: 0, lost: 0, ended: 0, outsideWindow: 0, modified: 0 };
  for (let k = 0; k < t.count; k++) {
    const fate = t.fate[k];
    if (fate === TraceFate.DELIVERED) summary.delivered++;
    else if (fate === TraceFate.LOST) summary.lost++;
    else if (fate === TraceFate.ENDED) summary.ended++;
    else summary.outsideWindow++;
    if (t.modifiedHops[k] !== 0) summary.modified++;
  }
  const doc: ChainJson = {
    version: 1,
    captures: result.captures.map(({ file, format, packets, firstTime, lastTime }) => ({ file, format, packets, firstTime, lastTime })),
    hops: result.hops.map((h) => ({ from: h.from, to: h.to, ...diffToJson(h.result, withPackets) })),
    chain: {
      labels: result.labels,
      summary,
      hops: result.hops.map((h, hop) => ({ hop, from: h.from, to: h.to, counts: { ...h.counts } })),
      events: result.events,
      findings: result.findings,
    },
  };
  if (withPackets) {
    const traces: ChainJsonTrace[] = [];
    for (let k = 0; k < t.count; k++) {
      const modifiedHops = modifiedHopList(t.modifiedHops[k]);
      traces.push({
        direction: directionName(t.direction[k]),
        origin: t.origin[k],
        ...(t.injected[k] ? { injected: true } : {}),
        frames: t.frames.map((f) => (f[k] === 0 ? null : f[k])),
        lastPoint: t.lastPoint[k],
        fate: fateName(t.fate[k]),
        ...(t.endHop[k] >= 0 ? { endHop: t.endHop[k] } : {}),
        ...(modifiedHops.length > 0 ? { modifiedHops } : {}),
      });
    }
    doc.chain.traces = traces;
  }
  return doc;
}
