// The aligned diff of one session: one row per packet identity, A's frame left, B's right,
// status and one-way delay between. Virtualised with fixed row heights; rows are paged from
// the match worker in the order it sorted them (time, or one-way delay: click the OWD header).
// Keys: ↑/↓ move, n/N jump to the next/previous problem in the listed order.
import { memo, useCallback, useEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useDiff } from "../state/diff";
import { match } from "../state/engine";
import { track } from "../state/busy";
import { useView } from "../state/view";
import type { AlignedOrder, AlignedRow, PacketCells, RowPosition } from "../worker-api/match-api";
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

/** Clicking the OWD header cycles: time order → largest delay first → smallest first → time order. */
function nextOrder(order: AlignedOrder): AlignedOrder {
  if (order.by === "time") return { by: "delay", descending: true };
  return order.descending ? { by: "delay", descending: false } : { by: "time", descending: false };
}

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
  const order = useView((s) => s.rowOrder);
  const setRowOrder = useView((s) => s.setRowOrder);
  const scroller = useRef<HTMLDivElement>(null);
  const [total, setTotal] = useState(0);
  const [hint, setHint] = useState<string | null>(null);
  /** Position of the keyboard cursor in the listed order (the selected row's, once known). */
  const [cursor, setCursor] = useState<number | null>(null);

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
    (offset: number, limit: number) => match().getAlignedRows(version, sessionId, offset, limit, order),
    [version, sessionId, order],
  );
  const pages = usePages<AlignedRow>(
    `${version}|${sessionId}|${order.by}|${order.descending}`,
    ready ? fetchPage : null,
    items[0]?.index ?? 0,
    items[items.length - 1]?.index ?? 0,
  );
  useEffect(() => setTotal(pages.total ?? 0), [pages.total]);

  // A row selected before the rows arrived (from the URL, in time order, where position is
  // the index) is brought into view once they do.
  const hasRows = total > 0;
  useEffect(() => {
    const row = useView.getState().selectedRow;
    if (hasRows && row !== null && useView.getState().rowOrder.by === "time" && !useView.getState().rowOrder.descending) {
      setCursor(row);
      virtualizer.scrollToIndex(row, { align: "center" });
    }
  }, [hasRows, virtualizer]);

  // A new order lists the rows elsewhere: the cursor starts again from the top.
  useEffect(() => {
    setCursor(null);
    virtualizer.scrollToOffset(0);
  }, [order, virtualizer]);

  const go = (to: RowPosition) => {
    setCursor(to.position);
    selectRow(to.index);
    virtualizer.scrollToIndex(to.position, { align: "auto" });
  };

  const jumpToProblem = (direction: 1 | -1) => {
    const from = cursor ?? (direction === 1 ? -1 : total);
    track(match().findProblem(version, sessionId, from, direction, order)).then((found) => {
      if (found) {
        setHint(null);
        go(found);
      } else setHint(direction === 1 ? "no further problem" : "no earlier problem");
    });
  };

  // One handler for all rows (rows come and go with every scroll step).
  const onRowClick = (e: MouseEvent) => {
    const position = (e.target as HTMLElement).closest<HTMLElement>("[data-index]")?.dataset.index;
    if (position === undefined) return;
    const row = pages.row(Number(position));
    if (!row) return;
    setCursor(Number(position));
    selectRow(row.index);
    scroller.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (total === 0) return;
      const position = Math.min(total - 1, Math.max(0, (cursor ?? -1) + (e.key === "ArrowDown" ? 1 : -1)));
      const row = pages.row(position);
      // Held-down keys can outrun the pages: the worker says which row is listed there.
      if (row) go({ position, index: row.index });
      else track(match().rowAt(version, sessionId, position, order)).then((found) => found && go(found));
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
            <div
              className="cell num sortable"
              style={{ width: 90 }}
              title="one-way delay in ms under the clock model; click to sort (largest first, smallest first, time order)"
              data-testid="sort-owd"
              role="columnheader"
              aria-sort={order.by === "delay" ? (order.descending ? "descending" : "ascending") : "none"}
              onClick={() => setRowOrder(nextOrder(order))}
            >
              {order.by === "delay" ? (order.descending ? "▼ " : "▲ ") : ""}OWD ms
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
                className={`row${item.index % 2 ? " odd" : ""}${row ? ` problem-${row.status}` : ""}${row && selected === row.index ? " selected" : ""}`}
                data-testid="aligned-row"
                data-status={row?.status}
                data-index={item.index}
                data-row={row?.index}
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
