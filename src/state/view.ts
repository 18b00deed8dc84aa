// Zustand store of what the user is looking at: the page, the open session, the selected
// aligned row and the order the session's rows are listed in, the sessions table's sort and
// filter, the theme.
import { create } from "zustand";
import type { AlignedOrder } from "../worker-api/match-api";

export type Page = "captures" | "overview" | "session";
export type ThemeChoice = "system" | "light" | "dark";

export interface SessionSort {
  column: string;
  descending: boolean;
}

interface ViewState {
  page: Page;
  sessionId: number | null;
  /** Index of the selected aligned row in the open session (AlignedRow.index, whatever the order). */
  selectedRow: number | null;
  /** The open session's row order (time, or one-way delay); sorted in the match worker. */
  rowOrder: AlignedOrder;
  sessionSort: SessionSort;
  sessionFilter: string;
  theme: ThemeChoice;
  openSession(id: number): void;
  show(page: Page): void;
  selectRow(row: number | null): void;
  setRowOrder(order: AlignedOrder): void;
  setSessionSort(sort: SessionSort): void;
  setSessionFilter(filter: string): void;
  setTheme(theme: ThemeChoice): void;
}

export const useView = create<ViewState>((set) => ({
  page: "captures",
  sessionId: null,
  selectedRow: null,
  rowOrder: { by: "time", descending: false },
  sessionSort: { column: "problems", descending: true },
  sessionFilter: "",
  theme: "system",
  openSession: (id) => set({ page: "session", sessionId: id, selectedRow: null, rowOrder: { by: "time", descending: false } }),
  show: (page) => set({ page }),
  selectRow: (row) => set({ selectedRow: row }),
  setRowOrder: (rowOrder) => set({ rowOrder }),
  setSessionSort: (sessionSort) => set({ sessionSort }),
  setSessionFilter: (sessionFilter) => set({ sessionFilter }),
  setTheme: (theme) => set({ theme }),
}));
