// UTC offsets as people write them ("+05:30", "-08:00", "Z"), for captures whose times are local
// with no zone recorded (NetMon before 2.3; see ReadOptions.localTimeOffsetMinutes).

/** What parseUtcOffset accepts, for usage and error messages. */
export const UTC_OFFSET_SYNTAX = "±HH:MM (e.g. +05:30, -08:00), ±HH, or Z";

/** Offsets in use by real time zones run from UTC-12:00 to UTC+14:00. */
const MIN_OFFSET = -12 * 60;
const MAX_OFFSET = 14 * 60;

/** Minutes east of UTC of an offset written as ±HH:MM, ±HHMM, ±HH or Z; undefined when it is not one. */
export function parseUtcOffset(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^z$/i.test(trimmed)) return 0;
  const m = /^([+\-\u2212])(\d{2})(?::?(\d{2}))?$/.exec(trimmed);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (minutes > 59) return undefined;
  const total = (m[1] === "+" ? 1 : -1) * (hours * 60 + minutes);
  return total >= MIN_OFFSET && total <= MAX_OFFSET ? total : undefined;
}

/** "+01:30", "-08:00", "+00:00": minutes east of UTC written back as parseUtcOffset reads it. */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
