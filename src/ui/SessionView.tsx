// One session: both sides' endpoints with their Wireshark filters, manual pair/unpair, the
// delay-over-time chart, the aligned diff table and the packet details of the selected row.
import { useEffect, useState } from "react";
import { useDiff } from "../state/diff";
import { match, recompute } from "../state/engine";
import { track } from "../state/busy";
import { useView } from "../state/view";
import type { OneSidedSession, SessionDetail } from "../worker-api/match-api";
import { ClockControls } from "./Overview";
import { DelayChart } from "./DelayChart";
import { DiffTable } from "./DiffTable";
import { PacketDetailsPane } from "./PacketDetails";

export function SessionView() {
  const version = useDiff((s) => s.version);
  const ready = useDiff((s) => s.status === "ready");
  const sessionId = useView((s) => s.sessionId);
  const [detail, setDetail] = useState<SessionDetail | null>(null);

  useEffect(() => {
    if (!ready || sessionId === null) return;
    let current = true;
    track(match().getSession(version, sessionId)).then(
      (d) => current && setDetail(d),
      () => current && setDetail(null),
    );
    return () => {
      current = false;
    };
  }, [version, sessionId, ready]);

  if (sessionId === null) return null;
  return (
    <div className="session">
      <div className="session-head">
        <div className="toolbar" style={{ border: "none", padding: 0 }}>
          <strong>
            Session {sessionId}
            {detail ? ` · ${detail.row.protocol}` : ""}
          </strong>
          {detail && (
            <span className="muted">
              {detail.row.oneSided ? `seen on one side only (${detail.row.oneSided})` : `paired, confidence ${Math.round(detail.row.confidence * 100)}%`}
              {detail.row.manual ? " · paired by hand" : ""}
            </span>
          )}
          {detail && <PairingControls detail={detail} />}
          <span style={{ flex: 1 }} />
          <ClockControls />
        </div>
        <div className="sides">
          {[0, 1].map((side) => (
            <SideLine key={side} side={side as 0 | 1} detail={detail} />
          ))}
        </div>
        <div className="muted session-line" data-testid="session-evidence" title={detail?.evidence.join("\n")}>
          {detail && detail.evidence.length > 0 ? `Paired on: ${detail.evidence.join(" · ")}` : ""}
        </div>
        <div className="muted session-line" data-testid="session-rewrites" title={detail ? rewritesText(detail) : undefined}>
          {detail ? rewritesText(detail) : ""}
        </div>
      </div>
      <DelayChart sessionId={sessionId} />
      <div className="split">
        <DiffTable sessionId={sessionId} />
        <PacketDetailsPane sessionId={sessionId} />
      </div>
    </div>
  );
}

function rewritesText(detail: SessionDetail): string {
  const rewrites = detail.rewriteList.map((r) => `${r.field} ${r.direction === "client-to-server" ? "c→s" : "s→c"}: ${r.from} → ${r.to}`);
  return [...rewrites, ...detail.notes].join(" · ");
}

function SideLine({ side, detail }: { side: 0 | 1; detail: SessionDetail | null }) {
  const [copied, setCopied] = useState<string | null>(null);
  const endpoints = detail ? (side === 0 ? detail.row.endpointsA : detail.row.endpointsB) : null;
  const filter = detail?.filters[side] ?? null;
  const copy = async () => {
    if (!filter) return;
    try {
      await navigator.clipboard.writeText(filter);
      setCopied("copied");
    } catch {
      setCopied("select and copy the filter by hand");
    }
  };
  return (
    <div className="side" data-testid={`side-${side === 0 ? "a" : "b"}`}>
      <strong>{side === 0 ? "A" : "B"}</strong>
      <span>{endpoints ?? "not in this capture"}</span>
      {filter && (
        <>
          <button type="button" data-testid={`copy-filter-${side === 0 ? "a" : "b"}`} onClick={() => void copy()}>
            Copy Wireshark filter
          </button>
          <code title={filter} data-testid={`filter-${side === 0 ? "a" : "b"}`}>
            {filter}
          </code>
          {copied && <span className="copied">{copied}</span>}
        </>
      )}
    </div>
  );
}

/** Unpair a paired session, or pair a one-sided one with a one-sided session of the other capture. */
function PairingControls({ detail }: { detail: SessionDetail }) {
  const version = useDiff((s) => s.version);
  const { overrides, setOverrides } = useDiff();
  const [candidates, setCandidates] = useState<OneSidedSession[] | null>(null);
  const [flowA, flowB] = detail.row.flows;
  const otherCapture: 0 | 1 = flowA === null ? 0 : 1;

  useEffect(() => {
    if (flowA !== null && flowB !== null) return;
    let current = true;
    track(match().oneSidedSessions(version, otherCapture, 500)).then((list) => current && setCandidates(list));
    return () => {
      current = false;
    };
  }, [version, otherCapture, flowA, flowB]);

  if (flowA !== null && flowB !== null) {
    return (
      <span>
        <button
          type="button"
          data-testid="unpair"
          onClick={() => {
            setOverrides({
              manualPairs: overrides.manualPairs.filter((p) => p.a !== flowA || p.b !== flowB),
              manualUnpairs: [...overrides.manualUnpairs, { a: flowA, b: flowB }],
            });
            // Session ids are renumbered by the new pairing: back to the overview.
            useView.setState({ page: "overview", sessionId: null, selectedRow: null });
            recompute();
          }}
        >
          Unpair these sessions
        </button>
      </span>
    );
  }
  return (
    <span>
      <label>
        Pair with a session of {otherCapture === 0 ? "A" : "B"}:{" "}
        <select
          data-testid="pair-with"
          defaultValue=""
          onChange={(e) => {
            const flow = Number(e.target.value);
            if (e.target.value === "") return;
            const pair = flowA === null ? { a: flow, b: flowB! } : { a: flowA, b: flow };
            setOverrides({
              manualPairs: [...overrides.manualPairs, pair],
              manualUnpairs: overrides.manualUnpairs.filter((p) => p.a !== pair.a || p.b !== pair.b),
            });
            // Session ids are renumbered by the new pairing: back to the overview.
            useView.setState({ page: "overview", sessionId: null, selectedRow: null });
            recompute();
          }}
        >
          <option value="">{candidates === null ? "loading…" : `${candidates.length} one-sided sessions`}</option>
          {candidates?.map((c) => (
            <option key={c.id} value={c.flow}>
              #{c.id} {c.protocol} {c.endpoints} ({c.packets} pkts)
            </option>
          ))}
        </select>
      </label>
    </span>
  );
}
