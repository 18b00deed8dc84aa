// One card per capture: progress while reading (with cancel), then its summary and any read
// errors; the path order (A first) and the capture-point names are edited here.
import { comparedPair, useCaptures, type CaptureEntry } from "../state/captures";
import { cancelCapture, moveCapture, removeCapture } from "../state/engine";
import { DropZone } from "./DropZone";
import { formatBytes, formatCount, formatDuration, formatTimeNs } from "./format";

/** `compact` (while looking at a comparison): one line of summary per capture, to leave room for the data. */
export function CaptureCards({ compact = false }: { compact?: boolean }) {
  const entries = useCaptures((s) => s.entries);
  const pair = comparedPair(entries);
  const roleOf = (e: CaptureEntry) => (pair?.[0].id === e.id ? "A" : pair?.[1].id === e.id ? "B" : null);
  return (
    <div className={`captures${compact ? " compact" : ""}`} data-testid="captures">
      {entries.map((entry, index) => (
        <CaptureCard
          key={entry.id}
          entry={entry}
          role={roleOf(entry)}
          first={index === 0}
          last={index === entries.length - 1}
          compact={compact}
        />
      ))}
      <DropZone compact />
    </div>
  );
}

function CaptureCard({
  entry,
  role,
  first,
  last,
  compact,
}: {
  entry: CaptureEntry;
  role: string | null;
  first: boolean;
  last: boolean;
  compact: boolean;
}) {
  const rename = useCaptures((s) => s.rename);
  const { summary } = entry;
  return (
    <div className={`card ${entry.status}`} data-testid="capture-card" data-file={entry.fileName} data-status={entry.status}>
      <div className="head">
        <span className={`tag${role ? "" : " idle"}`} title={role ? `compared as capture ${role}` : "not compared"}>
          {role ?? "–"}
        </span>
        <input
          className="point"
          type="text"
          aria-label="capture point name"
          value={entry.pointName}
          onChange={(e) => rename(entry.id, e.target.value)}
        />
        <button type="button" title="earlier in the path" disabled={first} onClick={() => moveCapture(entry.id, -1)}>
          ↑
        </button>
        <button type="button" title="later in the path" disabled={last} onClick={() => moveCapture(entry.id, 1)}>
          ↓
        </button>
        <button type="button" title="close this capture" data-testid="remove-capture" onClick={() => removeCapture(entry.id)}>
          ✕
        </button>
      </div>
      <div className="file" title={entry.fileName}>
        {entry.fileName} · {formatBytes(entry.fileBytes)}
        {compact && summary && (
          <>
            {" "}
            · {summary.format} · {summary.linkTypes.join(", ")} · <span data-testid="packet-count">{formatCount(summary.packets)}</span> packets
            {summary.hostAddresses.length > 0 ? ` · host ${summary.hostAddresses.join(", ")}` : ""}
          </>
        )}
      </div>
      {entry.status === "reading" && <Progress entry={entry} />}
      {entry.status === "failed" && (
        <div className="error-box" data-testid="capture-error">
          {entry.failure}
        </div>
      )}
      {summary && <Summary entry={entry} compact={compact} />}
    </div>
  );
}

function Progress({ entry }: { entry: CaptureEntry }) {
  const { bytesRead, packets } = entry.progress;
  const share = entry.fileBytes > 0 ? Math.min(1, bytesRead / entry.fileBytes) : 0;
  return (
    <>
      <div className="progress" role="progressbar" aria-valuenow={Math.round(share * 100)}>
        <div style={{ width: `${share * 100}%` }} />
      </div>
      <div className="head">
        <span className="file" style={{ flex: 1 }}>
          {formatBytes(bytesRead)} of {formatBytes(entry.fileBytes)} · {formatCount(packets)} packets
        </span>
        <button type="button" onClick={() => cancelCapture(entry.id)}>
          Cancel
        </button>
      </div>
    </>
  );
}

/** The summary facts (full cards only), then what went wrong while reading (always shown). */
function Summary({ entry, compact }: { entry: CaptureEntry; compact: boolean }) {
  const s = entry.summary!;
  const span = s.firstTimeNs !== null && s.lastTimeNs !== null ? s.lastTimeNs - s.firstTimeNs : null;
  const fatal = s.errors.filter((e) => e.fatal);
  return (
    <>
      {!compact && (
        <dl>
          <dt>Format</dt>
          <dd>
            {s.format}
            {s.compression !== "none" ? ` (${s.compression})` : ""}
          </dd>
          <dt>Link type</dt>
          <dd>{s.linkTypes.join(", ") || "—"}</dd>
          <dt>Packets</dt>
          <dd data-testid="packet-count">{formatCount(s.packets)}</dd>
          <dt>Span</dt>
          <dd title={s.firstTimeNs !== null ? `${formatTimeNs(s.firstTimeNs)} – ${formatTimeNs(s.lastTimeNs!)}` : ""}>
            {s.firstTimeNs !== null ? `${formatTimeNs(s.firstTimeNs).replace("T", " ")} · ${formatDuration(span!)}` : "no packets"}
          </dd>
          <dt>Host</dt>
          <dd title={s.hostAddresses.join(", ")}>{s.hostAddresses.join(", ") || "—"}</dd>
        </dl>
      )}
      {s.errors.map((e, i) => (
        <div key={i} className="error-box" data-testid="capture-error">
          {e.fatal ? "Error" : "Warning"} at byte {formatCount(e.offset)}, frame {formatCount(e.frame)}: {e.message}
        </div>
      ))}
      {fatal.length > 0 && (
        <div className="note-box">
          {s.packets > 0 ? `Kept the ${formatCount(s.packets)} packets before the error.` : "Nothing could be read from this file."}
        </div>
      )}
      {s.notes.map((n, i) => (
        <div key={i} className="note-box">
          {n}
        </div>
      ))}
    </>
  );
}
