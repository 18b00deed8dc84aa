// pcapng timestamps: 64-bit tick counts in an interface's if_tsresol (10^-n or 2^-n s) plus
// if_tsoffset seconds, converted to whole seconds + nanoseconds with integer-exact arithmetic.
// Spec: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html#section-4.2 (if_tsresol)

export interface TimeScale {
  /** Ticks per second. */
  readonly unit: number;
  readonly unitBig: bigint;
  /** True when the three-step 16-bit long division below stays exact (unit * 2^16 < 2^53). */
  readonly fast: boolean;
  /** Nanoseconds for `frac` ticks (frac < unit) on the fast path, truncated as Wireshark does. */
  readonly fracToNs: (frac: number) => number;
  /** "us", "ns", "1/1024 s"... */
  readonly label: string;
  /** Digits after the decimal point this resolution carries (at most 9). */
  readonly digits: number;
}

const labels10: Record<number, string> = { 0: "s", 3: "ms", 6: "us", 9: "ns", 12: "ps" };

/** The time scale of an if_tsresol byte: high bit set = 2^-n, clear = 10^-n. */
export function timeScale(tsresol: number): TimeScale {
  const exp = tsresol & 0x7f;
  if (tsresol & 0x80) {
    const unitBig = 1n << BigInt(exp);
    const unit = 2 ** exp;
    // As Wireshark: the decimal digits the tick fully resolves (2^-10 s -> 3).
    const digits = Math.min(9, Math.floor(exp * Math.log10(2)));
    // frac * 1e9 is exact below 2^53 while exp <= 23; 1e9 = 2^9 * 1953125 keeps it exact to exp 32.
    const fracToNs =
      exp <= 23
        ? (frac: number) => Math.floor((frac * 1e9) / unit)
        : (frac: number) => Math.floor((frac * 1953125) / 2 ** (exp - 9));
    return { unit, unitBig, fast: exp <= 32, fracToNs, label: `1/${unitBig} s`, digits };
  }
  const unitBig = 10n ** BigInt(exp);
  const unit = 10 ** exp;
  const fracToNs =
    exp <= 9
      ? (frac: number) => frac * 10 ** (9 - exp)
      : (frac: number) => Math.floor(frac / 10 ** (exp - 9));
  return { unit, unitBig, fast: exp <= 11, fracToNs, label: labels10[exp] ?? `10^-${exp} s`, digits: Math.min(9, exp) };
}

export const MICROSECONDS = timeScale(6);

/**
 * Sets `out.tsSec`/`out.tsNsec` from the tick count hi * 2^32 + lo. The fast path divides
 * in 16-bit steps so every intermediate value stays an exact double (ns ticks exceed 2^53).
 */
export function ticksToTime(hi: number, lo: number, scale: TimeScale, offsetSec: number, out: { tsSec: number; tsNsec: number }) {
  if (!scale.fast) {
    const ticks = (BigInt(hi) << 32n) | BigInt(lo);
    out.tsSec = Number(ticks / scale.unitBig) + offsetSec;
    out.tsNsec = Number(((ticks % scale.unitBig) * 1_000_000_000n) / scale.unitBig);
    return;
  }
  const u = scale.unit;
  // A rounded quotient can only come out one too high; the negative remainder betrays it.
  let q1 = Math.floor(hi / u);
  let r = hi - q1 * u;
  if (r < 0) {
    q1--;
    r += u;
  }
  let x = r * 65536 + (lo >>> 16);
  let q2 = Math.floor(x / u);
  r = x - q2 * u;
  if (r < 0) {
    q2--;
    r += u;
  }
  x = r * 65536 + (lo & 0xffff);
  let q3 = Math.floor(x / u);
  r = x - q3 * u;
  if (r < 0) {
    q3--;
    r += u;
  }
  out.tsSec = q1 * 4294967296 + q2 * 65536 + q3 + offsetSec;
  out.tsNsec = scale.fracToNs(r);
}
