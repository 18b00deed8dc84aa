// Zustand store of what the user is looking at: the page, the open session, the selected
// aligned row, the sessions table's sort and filter, the theme.
import { create } from "zustand";

export type Page = "captures" | "overview" | "session";
export type ThemeChoice = "system" | "light" | "dark";

export interface SessionSort {
  column: string;
  descending: boolean;
}

interface ViewState {
  page: Page;
  sessionId: number | null;
  /** Index of the selected aligned row in the open session. */
  selectedRow: number | null;
  sessionSort: SessionSort;
  sessionFilter: string;
  theme: ThemeChoice;
  openSession(id: number): void;
  show(page: Page): void;
  selectRow(row: number | null): void;
  setSessionSort(sort: SessionSort): void;
  setSessionFilter(filter: string): void;
  setTheme(theme: ThemeChoice): void;
}

export const useView = create<ViewState>((set) => ({
  page: "captures",
  sessionId: null,
  selectedRow: null,
  sessionSort: { column: "problems", descending: true },
  sessionFilter: "",
  theme: "system",
  openSession: (id) => set({ page: "session", sessionId: id, selectedRow: null }),
  show: (page) => set({ page }),
  selectRow: (row) => set({ selectedRow: row }),
  setSessionSort: (sessionSort) => set({ sessionSort }),
  setSessionFilter: (sessionFilter) => set({ sessionFilter }),
  setTheme: (theme) => set({ theme }),
}));
