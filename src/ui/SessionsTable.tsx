// The sessions table: TanStack Table for columns and sort state, the match worker for the
// sorting, filtering and the rows themselves, TanStack Virtual for the visible window.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { createColumnHelper, flexRender, type ColumnDef, getCoreRowModel, useReactTable, type SortingState } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { match } from "../state/engine";
import { useDiff } from "../state/diff";
import { useView } from "../state/view";
import type { SessionRow, SessionSortColumn } from "../worker-api/match-api";
import { formatCount, formatMs } from "./format";
import { usePages } from "./usePages";

const ROW_HEIGHT = 22;
const column = createColumnHelper<SessionRow>();
const numeric = (id: SessionSortColumn, header: string, size: number, title: string) =>
  column.accessor(id as keyof SessionRow, {
    id,
    header,
    size,
    meta: { numeric: true, title },
    cell: (c) => {
      const v = c.getValue() as number | null;
      return v === null ? "" : id.startsWith("owd") ? formatMs(v) : formatCount(v);
    },
  });

const columns = [
  column.accessor("id", { id: "id", header: "#", size: 48, meta: { numeric: true } }),
  column.accessor("protocol", { id: "protocol", header: "Proto", size: 56 }),
  column.accessor("endpointsA", { id: "endpointsA", header: "In A (client → server)", size: 300, cell: (c) => c.getValue() ?? "—" }),
  column.accessor("endpointsB", { id: "endpointsB", header: "In B (client → server)", size: 300, cell: (c) => c.getValue() ?? "—" }),
  numeric("packetsA", "Pkts A", 70, "packets in capture A"),
  numeric("packetsB", "Pkts B", 70, "packets in capture B"),
  numeric("lostC2S", "Lost c→s", 80, "client-to-server packets lost between the capture points"),
  numeric("lostS2C", "Lost s→c", 80, "server-to-client packets lost between the capture points"),
  numeric("injected", "Injected", 76, "packets seen at the receiver that were never sent"),
  numeric("owdC2SMs", "OWD c→s ms", 100, "median one-way delay client to server"),
  numeric("owdS2CMs", "OWD s→c ms", 100, "median one-way delay server to client"),
  column.accessor("rewrites", { id: "rewrites", header: "Rewrites", size: 320 }),
  column.accessor("confidence", {
    id: "confidence",
    header: "Conf.",
    size: 56,
    meta: { numeric: true, title: "pairing confidence" },
    cell: (c) => `${Math.round(c.getValue() * 100)}%`,
  }),
];


export function SessionsTable() {
  const version = useDiff((s) => s.version);
  const ready = useDiff((s) => s.status === "ready");
  const { sessionSort, sessionFilter, setSessionSort, openSession } = useView();
  const sorting: SortingState = [{ id: sessionSort.column, desc: sessionSort.descending }];
  const table = useReactTable<SessionRow>({
    data: [],
    columns,
    state: { sorting },
    manualSorting: true,
    manualFiltering: true,
    enableSortingRemoval: false,
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      if (next[0]) setSessionSort({ column: next[0].id, descending: next[0].desc });
    },
    getCoreRowModel: getCoreRowModel(),
  });

  const scroller = useRef<HTMLDivElement>(null);
  const query = useMemo(
    () => ({ sortBy: sessionSort.column as SessionSortColumn, descending: sessionSort.descending, filter: sessionFilter }),
    [sessionSort, sessionFilter],
  );
  const fetchPage = useCallback(
    (offset: number, limit: number) => match().getSessions(version, query, offset, limit),
    [version, query],
  );
  const [total, setTotal] = useState(0);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    // The sticky header sits above the rows: keep scrolled-to rows out from under it.
    scrollMargin: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const pages = usePages<SessionRow>(
    ready ? `${version}|${JSON.stringify(query)}` : "waiting",
    ready ? fetchPage : null,
    items[0]?.index ?? 0,
    items[items.length - 1]?.index ?? 0,
  );
  useEffect(() => setTotal(pages.total ?? 0), [pages.total]);
  const headers = table.getHeaderGroups()[0].headers;
  const width = headers.reduce((w, h) => w + h.getSize(), 0);

  return (
    <div className="grid" ref={scroller} data-testid="sessions-table" role="table" aria-rowcount={pages.total ?? 0}>
      <div className="header" style={{ width }} role="row">
        {headers.map((h) => {
          const meta = h.column.columnDef.meta as { numeric?: boolean; title?: string } | undefined;
          const sorted = h.column.getIsSorted();
          return (
            <div
              key={h.id}
              role="columnheader"
              className={`cell sortable${meta?.numeric ? " num" : ""}`}
              style={{ width: h.getSize() }}
              title={meta?.title ?? "sort"}
              onClick={h.column.getToggleSortingHandler()}
            >
              {flexRender(h.column.columnDef.header, h.getContext())}
              {sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : ""}
            </div>
          );
        })}
      </div>
      {pages.total === 0 && <div className="empty">{sessionFilter ? "No session matches the filter." : "No sessions."}</div>}
      <div style={{ height: virtualizer.getTotalSize(), position: "relative", width }}>
        {items.map((item) => {
          const row = pages.row(item.index);
          const problem = row && (row.lostC2S > 0 || row.lostS2C > 0 || row.injected > 0);
          return (
            <div
              key={item.key}
              role="row"
              className={`row${item.index % 2 ? " odd" : ""}${problem ? " problem" : ""}`}
              data-testid="session-row"
              data-session={row?.id}
              title={row?.oneSided ? `seen on one side only: ${row.oneSided}` : undefined}
              style={{ transform: `translateY(${item.start - ROW_HEIGHT}px)`, height: ROW_HEIGHT, width }}
              onDoubleClick={() => row && openSession(row.id)}
              onClick={() => row && openSession(row.id)}
            >
              {headers.map((h) => {
                const meta = h.column.columnDef.meta as { numeric?: boolean } | undefined;
                const bad = row && ((h.id === "lostC2S" && row.lostC2S > 0) || (h.id === "lostS2C" && row.lostS2C > 0) || (h.id === "injected" && row.injected > 0));
                return (
                  <div key={h.id} role="cell" className={`cell${meta?.numeric ? " num" : ""}${bad ? " bad" : ""}`} style={{ width: h.getSize() }}>
                    {row ? renderCell(h.column.columnDef, row) : ""}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** Renders a column's cell for a row that lives outside TanStack's row model (it is paged from the worker). */
function renderCell(def: ColumnDef<SessionRow, unknown>, row: SessionRow) {
  const id = def.id as keyof SessionRow;
  const value = row[id];
  if (!def.cell || typeof def.cell === "string") return String(value ?? "");
  return (def.cell as (c: { getValue: () => unknown; renderValue: () => unknown }) => ReactNode)({
    getValue: () => value,
    renderValue: () => value,
  });
}
