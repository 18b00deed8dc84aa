// Windows time stamps (FILETIME: 100 ns ticks since 1601-01-01 UTC; SYSTEMTIME fields)
// turned into the Unix seconds + nanoseconds that PacketRecord carries. Used by NetMon and ETL.

/** 100 ns ticks from 1601-01-01 to 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116_444_736_000_000_000n;

/** Nanoseconds since the Unix epoch of a FILETIME (may be negative for pre-1970 values). */
export function filetimeToUnixNs(filetime: bigint): bigint {
  return (filetime - FILETIME_UNIX_EPOCH) * 100n;
}

/** Milliseconds since the Unix epoch of SYSTEMTIME fields read as UTC. */
export function systemTimeToUnixMs(f: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}): number {
  return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, f.ms);
}

/** Splits Unix nanoseconds into the record's integer seconds and 0..999,999,999 ns (floor, also below 0). */
export function setUnixNs(target: { tsSec: number; tsNsec: number }, unixNs: bigint): void {
  let sec = unixNs / 1_000_000_000n;
  let nsec = unixNs % 1_000_000_000n;
  if (nsec < 0n) {
    nsec += 1_000_000_000n;
    sec -= 1n;
  }
  target.tsSec = Number(sec);
  target.tsNsec = Number(nsec);
}
