// The overview of a comparison: findings in plain words, many of one kind as one line (in a
// block of fixed height, scrolled when long), the clock model (with the user's override), and
// the sessions table with its quick filter.
import { useState } from "react";
import { useDiff } from "../state/diff";
import { recompute, swapComparedPair } from "../state/engine";
import { useView } from "../state/view";
import { SessionsTable } from "./SessionsTable";

export function Overview() {
  const { status, overview, failure } = useDiff();
  const { sessionFilter, setSessionFilter } = useView();
  if (status === "failed") return <div className="scroll-page"><div className="error-box">The comparison failed: {failure}</div></div>;
  return (
    <div className="overview">
      <div className="findings" data-testid="findings">
        {overview?.reversed && (
          <div className="note-box">
            A looks like the server side and B like the client side.{" "}
            <button type="button" data-testid="swap" onClick={swapComparedPair}>
              Swap A and B
            </button>
          </div>
        )}
        {overview ? (
          <ul>
            {overview.findings.map((f, i) => (
              <li key={i} className={`severity-${f.severity}`} data-testid="finding">
                {f.sessions.length === 1 && f.examples.length === 0 ? <SessionLink title={f.title} session={f.sessions[0]} /> : <strong>{f.title}</strong>}
                {f.text && f.text !== f.title ? ` — ${f.text}` : ""}
                {f.examples.length > 0 && (
                  <ul className="finding-examples">
                    {f.examples.map((e, k) => (
                      <li key={k}>
                        <SessionLink title={e.title} session={e.session} />
                      </li>
                    ))}
                    {f.more > 0 && <li className="muted">and {f.more} more in the sessions table below</li>}
                  </ul>
                )}
              </li>
            ))}
            {overview.findings.length === 0 && <li>No findings.</li>}
          </ul>
        ) : (
          <FindingsSkeleton />
        )}
      </div>
      <div className="toolbar">
        <input
          type="search"
          placeholder="Filter sessions (address, port, protocol…)"
          aria-label="filter sessions"
          data-testid="session-filter"
          value={sessionFilter}
          onChange={(e) => setSessionFilter(e.target.value)}
          style={{ width: 300 }}
        />
        <span className="muted" data-testid="session-count">
          {overview ? `${overview.sessionCount} sessions` : ""}
        </span>
        <span style={{ flex: 1 }} />
        <ClockControls />
      </div>
      <SessionsTable />
    </div>
  );
}

/** A finding's title, as a link that opens its session when it is about one. */
function SessionLink({ title, session }: { title: string; session: number | null }) {
  const openSession = useView((v) => v.openSession);
  if (session === null) return <>{title}</>;
  return (
    <button type="button" className="link" title="open this session" onClick={() => openSession(session)}>
      {title}
    </button>
  );
}

/** Stands in for the findings while the comparison runs; the block has a fixed height either way (no layout jump). */
function FindingsSkeleton() {
  return (
    <div className="findings-skeleton" aria-busy="true">
      <span className="muted">Comparing…</span>
      {[72, 55, 64, 40].map((width) => (
        <div key={width} className="skeleton-line" style={{ width: `${width}%` }} />
      ))}
    </div>
  );
}

/** Shows the clock model and lets the user impose B's offset (and skew); the diff recomputes. */
export function ClockControls() {
  const { overview, overrides, setOverrides } = useDiff();
  const [offset, setOffset] = useState("");
  const [skew, setSkew] = useState("");
  const clock = overview?.clock;
  const apply = () => {
    const offsetSeconds = Number(offset);
    const skewPpm = skew.trim() === "" ? null : Number(skew);
    if (offset.trim() === "" || !Number.isFinite(offsetSeconds) || (skewPpm !== null && !Number.isFinite(skewPpm))) return;
    setOverrides({ clockOffsetSeconds: offsetSeconds, clockSkewPpm: skewPpm });
    recompute();
  };
  return (
    <form
      className="toolbar"
      style={{ border: "none", padding: 0 }}
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <span data-testid="clock" title={clock?.assumption}>
        Clock B − A:{" "}
        <strong>
          {clock ? `${clock.offsetSeconds.toFixed(6)} s, ${clock.skewPpm.toFixed(2)} ppm${clock.skewSpreadPpm === null ? "" : ` ±${clock.skewSpreadPpm.toFixed(1)}`}` : "—"}
        </strong>{" "}
        <span className="muted">({clock?.source ?? "…"})</span>
      </span>
      <input
        type="text"
        inputMode="decimal"
        placeholder="offset s"
        aria-label="clock offset override in seconds"
        data-testid="clock-offset"
        value={offset}
        onChange={(e) => setOffset(e.target.value)}
        style={{ width: 100 }}
      />
      <input
        type="text"
        inputMode="decimal"
        placeholder="skew ppm"
        aria-label="clock skew override in ppm"
        value={skew}
        onChange={(e) => setSkew(e.target.value)}
        style={{ width: 80 }}
      />
      <button type="submit" data-testid="clock-apply">
        Set clock
      </button>
      <button
        type="button"
        disabled={overrides.clockOffsetSeconds === null}
        onClick={() => {
          setOverrides({ clockOffsetSeconds: null, clockSkewPpm: null });
          setOffset("");
          setSkew("");
          recompute();
        }}
      >
        Estimate
      </button>
    </form>
  );
}
