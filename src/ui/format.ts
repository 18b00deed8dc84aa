// Display formatting of small values (sizes, times, delays) for the UI.

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** ns since the epoch as ISO 8601 UTC with all nine fractional digits. */
export function formatTimeNs(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, "0");
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

export function formatDuration(ns: bigint): string {
  const s = Number(ns) / 1e9;
  if (s < 1) return `${(s * 1000).toFixed(3)} ms`;
  if (s < 120) return `${s.toFixed(3)} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = (s % 60).toFixed(0).padStart(2, "0");
  return h > 0 ? `${h} h ${m} min ${rest} s` : `${m} min ${rest} s`;
}

export function formatMs(ms: number | null): string {
  return ms === null ? "" : ms.toFixed(3);
}
