// Browser entry: mounts the app. All capture work happens in workers (see src/state/engine.ts).
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { startUrlSync } from "./state/url";
import { App } from "./ui/App";
import "./ui/theme.css";

startUrlSync();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
