// Zustand store of the current comparison: which two captures, the user's overrides,
// the diff version (every recompute bumps it) and its small overview.
import { create } from "zustand";
import type { DiffOverrides, DiffOverview } from "../worker-api/match-api";

export type DiffStatus = "idle" | "computing" | "ready" | "failed";

interface DiffState {
  status: DiffStatus;
  /** Increases with every requested diff; replies for an older version are dropped. */
  version: number;
  pair: [number, number] | null;
  overrides: DiffOverrides;
  overview: DiffOverview | null;
  failure: string | null;
  setOverrides(patch: Partial<DiffOverrides>): void;
}

export const noOverrides: DiffOverrides = { clockOffsetSeconds: null, clockSkewPpm: null, manualPairs: [], manualUnpairs: [] };

export const useDiff = create<DiffState>((set) => ({
  status: "idle",
  version: 0,
  pair: null,
  overrides: noOverrides,
  overview: null,
  failure: null,
  setOverrides: (patch) => set((s) => ({ overrides: { ...s.overrides, ...patch } })),
}));
