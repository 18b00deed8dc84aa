// The view state in the URL hash (versioned, validated), so a reload or a shared link with the
// same files reopens the same page, session, row, sort and filter. Files are never in the URL.
import type { SessionSortColumn } from "../worker-api/match-api";
import { useDiff } from "./diff";
import { useView } from "./view";

export const URL_STATE_VERSION = 1;

export interface UrlState {
  page: "captures" | "overview" | "session";
  session: number | null;
  row: number | null;
  sort: { column: SessionSortColumn; descending: boolean };
  filter: string;
}

const PAGES = new Set(["captures", "overview", "session"]);
const SORT_COLUMNS = new Set<string>([
  "id", "protocol", "endpointsA", "endpointsB", "packetsA", "packetsB", "lostC2S", "lostS2C",
  "injected", "owdC2SMs", "owdS2CMs", "rewrites", "confidence", "problems",
]);

export const defaultUrlState: UrlState = {
  page: "captures",
  session: null,
  row: null,
  sort: { column: "problems", descending: true },
  filter: "",
};

export function encodeUrlState(s: UrlState): string {
  const p = new URLSearchParams({ v: String(URL_STATE_VERSION), page: s.page });
  if (s.session !== null) p.set("s", String(s.session));
  if (s.row !== null) p.set("row", String(s.row));
  p.set("sort", `${s.sort.column}.${s.sort.descending ? "desc" : "asc"}`);
  if (s.filter) p.set("q", s.filter);
  return `#${p.toString()}`;
}

function index(text: string | null): number | null {
  return text !== null && /^\d{1,9}$/.test(text) ? Number(text) : null;
}

/** Reads a hash written by encodeUrlState; anything unknown, malformed or of another version gives the defaults. */
export function decodeUrlState(hash: string): UrlState {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  if (p.get("v") !== String(URL_STATE_VERSION)) return defaultUrlState;
  const page = p.get("page") ?? "";
  const [column, order] = (p.get("sort") ?? "").split(".");
  const session = index(p.get("s"));
  return {
    page: PAGES.has(page) && (page !== "session" || session !== null) ? (page as UrlState["page"]) : "captures",
    session,
    row: index(p.get("row")),
    sort: SORT_COLUMNS.has(column) && (order === "asc" || order === "desc") ? { column: column as SessionSortColumn, descending: order === "desc" } : defaultUrlState.sort,
    filter: (p.get("q") ?? "").slice(0, 200),
  };
}

/**
 * Keeps the hash in step with the view store. The page, session and row of the hash the app
 * was opened with are applied once the first comparison is ready (they need its sessions).
 */
export function startUrlSync(): void {
  const initial = decodeUrlState(window.location.hash);
  useView.setState({ sessionSort: initial.sort, sessionFilter: initial.filter });
  let pending: UrlState | null = initial.page === "captures" ? null : initial;
  useDiff.subscribe((d) => {
    if (!pending || d.status !== "ready" || !d.overview) return;
    const target = pending;
    pending = null;
    if (target.page === "session" && target.session !== null && target.session < d.overview.sessionCount) {
      useView.setState({ page: "session", sessionId: target.session, selectedRow: target.row });
    } else if (target.page === "overview") useView.setState({ page: "overview" });
  });
  useView.subscribe((v) => {
    const state: UrlState = {
      page: v.page,
      session: v.page === "session" ? v.sessionId : null,
      row: v.page === "session" ? v.selectedRow : null,
      sort: { column: v.sessionSort.column as SessionSortColumn, descending: v.sessionSort.descending },
      filter: v.sessionFilter,
    };
    const hash = encodeUrlState(state);
    if (hash !== window.location.hash) history.replaceState(null, "", hash);
  });
}
