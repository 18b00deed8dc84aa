// The application shell: top bar (navigation, theme), capture cards, and the current page.
// The root carries data-state="ready" when no worker request is in flight (e2e idle signal).
import { useEffect } from "react";
import { useBusy } from "../state/busy";
import { useCaptures } from "../state/captures";
import { useDiff } from "../state/diff";
import { openFiles } from "../state/engine";
import { useView, type ThemeChoice } from "../state/view";
import { CaptureCards } from "./CaptureCards";
import { Landing } from "./Landing";
import { Overview } from "./Overview";
import { SessionView } from "./SessionView";

const THEME_KEY = "parallax.theme";

export function App() {
  const busy = useBusy((s) => s.pending > 0);
  const hasCaptures = useCaptures((s) => s.entries.length > 0);
  const { page, theme } = useView();
  const diffStatus = useDiff((s) => s.status);

  // Files dropped anywhere are opened (a drop outside the drop zone would otherwise make the
  // browser navigate to the file); the drop zone handles its own drops first.
  useEffect(() => {
    const over = (e: DragEvent) => e.preventDefault();
    const drop = (e: DragEvent) => {
      if (e.defaultPrevented) return;
      e.preventDefault();
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) openFiles(files);
    };
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
    };
  }, []);

  useEffect(() => {
    const saved = localStorage.getItem(THEME_KEY) as ThemeChoice | null;
    if (saved === "light" || saved === "dark") useView.getState().setTheme(saved);
  }, []);
  useEffect(() => {
    if (theme === "system") document.documentElement.removeAttribute("data-theme");
    else document.documentElement.setAttribute("data-theme", theme);
  }, [theme]);

  return (
    <div className="app" data-state={busy ? "busy" : "ready"} data-testid="app">
      <TopBar />
      <div className="content">
        {!hasCaptures ? (
          <Landing />
        ) : (
          <>
            <CaptureCards compact={page !== "captures" && diffStatus !== "idle"} />
            {page === "session" ? (
              <SessionView />
            ) : diffStatus === "idle" || page === "captures" ? (
              <div className="scroll-page">
                <p className="formats" style={{ textAlign: "center" }}>
                  {diffStatus === "idle"
                    ? "Open a second capture of the same traffic to compare them."
                    : "Reorder the captures (client side first) and name the capture points above; the comparison follows."}
                </p>
              </div>
            ) : (
              <Overview />
            )}
          </>
        )}
      </div>
    </div>
  );
}

function TopBar() {
  const { page, theme, setTheme, show } = useView();
  const diffStatus = useDiff((s) => s.status);
  const sessionId = useView((s) => s.sessionId);
  const nextTheme: Record<ThemeChoice, ThemeChoice> = { system: "dark", dark: "light", light: "system" };
  return (
    <header className="topbar">
      <span className="brand">Parallax</span>
      <nav className="crumbs">
        {diffStatus !== "idle" && (
          <>
            <button type="button" onClick={() => show("captures")} disabled={page === "captures"}>
              Captures
            </button>
            ›
            <button type="button" onClick={() => show("overview")} disabled={page === "overview"} data-testid="nav-overview">
              Overview
            </button>
            {sessionId !== null && (
              <>
                ›
                <button type="button" onClick={() => show("session")} disabled={page === "session"}>
                  Session {sessionId}
                </button>
              </>
            )}
          </>
        )}
      </nav>
      <span className="spacer" />
      <button
        type="button"
        data-testid="theme-toggle"
        title="theme: system → dark → light"
        onClick={() => {
          const next = nextTheme[theme];
          setTheme(next);
          if (next === "system") localStorage.removeItem(THEME_KEY);
          else localStorage.setItem(THEME_KEY, next);
        }}
      >
        Theme: {theme}
      </button>
    </header>
  );
}
