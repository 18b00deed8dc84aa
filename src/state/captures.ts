// Zustand store of the captures the user opened: order (A first), capture-point names,
// reading progress and summaries. Holds ids and small summaries only, never packet data.
import { create } from "zustand";
import type { CaptureProgress, CaptureSummary } from "../worker-api/capture-api";

export type CaptureStatus = "reading" | "ready" | "failed" | "cancelled";

export interface CaptureEntry {
  id: number;
  fileName: string;
  fileBytes: number;
  /** The capture point as the user names it ("client side", "NAT outside"...). */
  pointName: string;
  status: CaptureStatus;
  progress: CaptureProgress;
  summary?: CaptureSummary;
  /** Why nothing could be read (status "failed"). */
  failure?: string;
}

interface CapturesState {
  /** In path order: index 0 is capture A (nearest the client). */
  entries: CaptureEntry[];
  add(entry: CaptureEntry): void;
  update(id: number, patch: Partial<CaptureEntry>): void;
  remove(id: number): void;
  /** Moves capture `id` by `delta` places in the path order. */
  move(id: number, delta: number): void;
  rename(id: number, pointName: string): void;
  /** Exchanges the places of captures `a` and `b` in the path order. */
  swap(a: number, b: number): void;
}

export const useCaptures = create<CapturesState>((set) => ({
  entries: [],
  add: (entry) => set((s) => ({ entries: [...s.entries, entry] })),
  update: (id, patch) => set((s) => ({ entries: s.entries.map((e) => (e.id === id ? { ...e, ...patch } : e)) })),
  remove: (id) => set((s) => ({ entries: s.entries.filter((e) => e.id !== id) })),
  move: (id, delta) =>
    set((s) => {
      const from = s.entries.findIndex((e) => e.id === id);
      const to = from + delta;
      if (from < 0 || to < 0 || to >= s.entries.length) return s;
      const entries = [...s.entries];
      const [moved] = entries.splice(from, 1);
      entries.splice(to, 0, moved);
      return { entries };
    }),
  rename: (id, pointName) =>
    set((s) => ({ entries: s.entries.map((e) => (e.id === id ? { ...e, pointName } : e)) })),
  swap: (a, b) =>
    set((s) => {
      const ia = s.entries.findIndex((e) => e.id === a);
      const ib = s.entries.findIndex((e) => e.id === b);
      if (ia < 0 || ib < 0) return s;
      const entries = [...s.entries];
      [entries[ia], entries[ib]] = [entries[ib], entries[ia]];
      return { entries };
    }),
}));

/** The two captures that are compared: the first two with packets (read fully or up to a cancel) in path order. */
export function comparedPair(entries: CaptureEntry[]): [CaptureEntry, CaptureEntry] | null {
  const ready = entries.filter((e) => (e.status === "ready" || e.status === "cancelled") && (e.summary?.packets ?? 0) > 0);
  return ready.length >= 2 ? [ready[0], ready[1]] : null;
}
