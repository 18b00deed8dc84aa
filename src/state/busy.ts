// Counts the worker requests in flight, so the root can say data-state="busy"/"ready"
// (end-to-end tests wait on that signal instead of sleeping).
import { create } from "zustand";

interface BusyState {
  pending: number;
}

export const useBusy = create<BusyState>(() => ({ pending: 0 }));

/** Marks the app busy until `work` settles; returns `work` unchanged. */
export function track<T>(work: Promise<T>): Promise<T> {
  useBusy.setState((s) => ({ pending: s.pending + 1 }));
  const done = () => useBusy.setState((s) => ({ pending: s.pending - 1 }));
  work.then(done, done);
  return work;
}
