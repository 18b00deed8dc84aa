// The aligned diff of one session: one row per packet identity, A's frame left, B's right,
// status and one-way delay between. Virtualised with fixed row heights; rows are paged from
// the match worker. Keys: ↑/↓ move, n/N jump to the next/previous problem.
import { memo, useCallback, useEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useDiff } from "../state/diff";
import { match } from "../state/engine";
import { track } from "../state/busy";
import { useView } from "../state/view";
import type { AlignedRow, PacketCells } from "../worker-api/match-api";
import { formatMs } from "./format";
import { usePages } from "./usePages";

const ROW_HEIGHT = 22;
const SIDE_COLUMNS: Array<{ key: keyof PacketCells; title: string; width: number; numeric?: boolean }> = [
  { key: "frame", title: "No.", width: 60, numeric: true },
  { key: "time", title: "Time", width: 92, numeric: true },
  { key: "source", title: "Source", width: 124 },
  { key: "destination", title: "Destination", width: 124 },
  { key: "protocol", title: "Protocol", width: 76 },
  { key: "length", title: "Length", width: 64, numeric: true },
  { key: "info", title: "Info", width: 330 },
];
const SIDE_WIDTH = SIDE_COLUMNS.reduce((w, c) => w + c.width, 0);
/** Column widths as CSS variables on the grid (theme.css .col-*), so rows carry no inline widths. */
const COLUMN_WIDTHS = Object.fromEntries(SIDE_COLUMNS.map((c) => [`--w-${c.key}`, `${c.width}px`])) as CSSProperties;
const MIDDLE_WIDTH = 200;
const WIDTH = SIDE_WIDTH * 2 + MIDDLE_WIDTH;

/** Which packet-list cell shows a changed field: addresses and the frame length have their own, the rest is in Info. */
function cellOfField(field: string): keyof PacketCells {
  if (field === "ip.src" || field === "ipv6.src" || field === "src-address") return "source";
  if (field === "ip.dst" || field === "ipv6.dst" || field === "dst-address") return "destination";
  if (field === "frame.len") return "length";
  return "info";
}

export function DiffTable({ sessionId }: { sessionId: number }) {
  const version = useDiff((s) => s.version);
  const ready = useDiff((s) => s.status === "ready");
  const selected = useView((s) => s.selectedRow);
  const selectRow = useView((s) => s.selectRow);
  const scroller = useRef<HTMLDivElement>(null);
  const [total, setTotal] = useState(0);
  const [hint, setHint] = useState<string | null>(null);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    // The sticky header sits above the rows: keep scrolled-to rows out from under it.
    scrollMargin: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const fetchPage = useCallback(
    (offset: number, limit: number) => match().getAlignedRows(version, sessionId, offset, limit),
    [version, sessionId],
  );
  const pages = usePages<AlignedRow>(
    `${version}|${sessionId}`,
    ready ? fetchPage : null,
    items[0]?.index ?? 0,
    items[items.length - 1]?.index ?? 0,
  );
  useEffect(() => setTotal(pages.total ?? 0), [pages.total]);

  // A row selected before the rows arrived (from the URL) is brought into view once they do.
  const hasRows = total > 0;
  useEffect(() => {
    const row = useView.getState().selectedRow;
    if (hasRows && row !== null) virtualizer.scrollToIndex(row, { align: "center" });
  }, [hasRows, virtualizer]);

  const go = (row: number) => {
    selectRow(row);
    virtualizer.scrollToIndex(row, { align: "auto" });
  };

  const jumpToProblem = (direction: 1 | -1) => {
    const from = selected ?? (direction === 1 ? -1 : total);
    track(match().findProblem(version, sessionId, from, direction)).then((row) => {
      if (row >= 0) {
        setHint(null);
        go(row);
      } else setHint(direction === 1 ? "no further problem" : "no earlier problem");
    });
  };

  // One handler for all rows (rows come and go with every scroll step).
  const onRowClick = (e: MouseEvent) => {
    const index = (e.target as HTMLElement).closest<HTMLElement>("[data-index]")?.dataset.index;
    if (index === undefined) return;
    selectRow(Number(index));
    scroller.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const delta = e.key === "ArrowDown" ? 1 : -1;
      const next = Math.min(total - 1, Math.max(0, (selected ?? -1) + delta));
      if (total > 0) go(next);
    } else if (e.key === "n" || e.key === "N") {
      e.preventDefault();
      jumpToProblem(e.key === "n" ? 1 : -1);
    }
  };

  return (
    <>
      <div className="toolbar">
        <span className="muted">
          {pages.total ?? "…"} aligned rows · <span className="kbd">↑</span>
          <span className="kbd">↓</span> move · <span className="kbd">n</span>
          <span className="kbd">N</span> next/previous problem
        </span>
        <button type="button" data-testid="next-problem" onClick={() => jumpToProblem(1)}>
          Next problem
        </button>
        <button type="button" onClick={() => jumpToProblem(-1)}>
          Previous problem
        </button>
        {hint && <span className="muted">{hint}</span>}
      </div>
      <div
        className="grid"
        ref={scroller}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="diff-table"
        role="grid"
        aria-rowcount={total}
        style={COLUMN_WIDTHS}
      >
        <div className="header" style={{ width: WIDTH }} role="row">
          <SideHeader label="A" />
          <div className="middle" style={{ width: MIDDLE_WIDTH }}>
            <div className="cell" style={{ width: 110 }}>
              Status
            </div>
            <div className="cell num" style={{ width: 90 }} title="one-way delay in ms under the clock model">
              OWD ms
            </div>
          </div>
          <SideHeader label="B" />
        </div>
        {total === 0 && pages.total === 0 && <div className="empty">This session has no packets.</div>}
        <div style={{ height: virtualizer.getTotalSize(), position: "relative", width: WIDTH }} onClick={onRowClick}>
          {items.map((item) => {
            const row = pages.row(item.index);
            return (
              <div
                key={item.key}
                role="row"
                className={`row${item.index % 2 ? " odd" : ""}${row ? ` problem-${row.status}` : ""}${selected === item.index ? " selected" : ""}`}
                data-testid="aligned-row"
                data-status={row?.status}
                data-index={item.index}
                style={{ transform: `translateY(${item.start - ROW_HEIGHT}px)`, height: ROW_HEIGHT, width: WIDTH }}
              >
                {row && <AlignedRowCells row={row} />}
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}

function SideHeader({ label }: { label: string }) {
  return (
    <div className="half" style={{ width: SIDE_WIDTH }}>
      {SIDE_COLUMNS.map((c) => (
        <div key={c.key} className={`cell col-${c.key}${c.numeric ? " num" : ""}`}>
          {c.key === "frame" ? `${label} ${c.title}` : c.title}
        </div>
      ))}
    </div>
  );
}

/** Memoised on the row object: page replies keep row objects stable, so re-renders skip unchanged rows. */
const AlignedRowCells = memo(function AlignedRowCells({ row }: { row: AlignedRow }) {
  const changed = new Set(row.changedFields.map((f) => cellOfField(f.field)));
  const title = row.changedFields.map((f) => `${f.field}: ${f.a} → ${f.b}`).concat(row.notes).join("\n");
  return (
    <>
      <Half cells={row.a} changed={changed} testId="half-a" />
      <div className="middle" style={{ width: MIDDLE_WIDTH }} title={title}>
        <div className={`cell status ${row.status}`} style={{ width: 110 }}>
          {row.direction === "c2s" ? "→ " : "← "}
          {row.status}
        </div>
        <div
          className="cell num"
          style={{ width: 90 }}
          data-testid="owd"
          title={row.aboveMinMs === null ? undefined : `${formatMs(row.aboveMinMs)} ms above this direction's minimum`}
        >
          {formatMs(row.owdMs)}
        </div>
      </div>
      <Half cells={row.b} changed={changed} testId="half-b" />
    </>
  );
});

function Half({ cells, changed, testId }: { cells: PacketCells | null; changed: Set<string>; testId: string }) {
  if (!cells) return <div className="half missing" style={{ width: SIDE_WIDTH }} data-testid={testId} data-missing="true" />;
  return (
    <div className="half" style={{ width: SIDE_WIDTH }} data-testid={testId}>
      {SIDE_COLUMNS.map((c) => (
        <div
          key={c.key}
          className={`cell col-${c.key}${c.numeric ? " num" : ""}${changed.has(c.key) ? " changed" : ""}`}
          title={c.key === "info" ? String(cells.info) : undefined}
        >
          {cells[c.key]}
        </div>
      ))}
    </div>
  );
}
