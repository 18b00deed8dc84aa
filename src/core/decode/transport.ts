// What TCP, UDP, ICMP and ICMPv6 share: the payload columns and the checksum verdict over
// the (pseudo-header +) segment, decided once for every transport.

import { Checksum, PacketFlag } from "../model/packet-table";
import type { Frame } from "./frame";
import { checksumValid, hashPayload, sumWords, type ByteView } from "./payload";

/** A 16-bit big-endian value as it adds into a little-endian word sum. */
function swapped(v: number): number {
  return ((v & 0xff) << 8) | (v >>> 8);
}

/** The pseudo-header's protocol and length words (RFC 793 / RFC 8200 §8.1), little-endian. */
function pseudoHeaderSum(f: { addrSum: number }, protocol: number, length: number): number {
  return f.addrSum + swapped(protocol) + swapped(length & 0xffff) + swapped(length >>> 16);
}

/**
 * Fills payloadOffset/payloadLength/payloadHash for the payload at `payloadStart` and sets
 * the L4 checksum state for the segment [l4Start, wireEnd) (with a pseudo-header when
 * `pseudoProtocol` >= 0). Truncated segments get ABSENT, super-segments and first fragments
 * UNVERIFIED: their checksum covers bytes that are not in this frame.
 */
export function finishTransport(
  f: Frame,
  l4Start: number,
  payloadStart: number,
  wireEnd: number,
  end: number,
  pseudoProtocol: number,
): void {
  const { c, r } = f;
  const payloadOffset = payloadStart - f.start;
  c.payloadOffset[r] = payloadOffset > 0xffff ? 0xffff : payloadOffset;
  c.payloadLength[r] = wireEnd > payloadStart ? wireEnd - payloadStart : 0;
  const stop = wireEnd < end ? wireEnd : end;
  const payloadSum = stop > payloadStart ? hashPayload(f, payloadStart, stop) : 0;
  if (c.flags[r] & (PacketFlag.FIRST_FRAGMENT | PacketFlag.TSO_LENGTH_ZERO)) {
    f.setL4Checksum(Checksum.UNVERIFIED);
  } else if (wireEnd > end || payloadStart > wireEnd) {
    f.setL4Checksum(Checksum.ABSENT);
  } else {
    let sum = payloadSum + sumWords(f, l4Start, payloadStart);
    if (pseudoProtocol >= 0) sum += pseudoHeaderSum(f, pseudoProtocol, wireEnd - l4Start);
    f.setL4Checksum(checksumValid(sum) ? Checksum.GOOD : Checksum.BAD);
  }
}

/** The details pane's verdict on an L4 checksum over [l4Start, wireEnd) (see finishTransport). */
export function checksumVerdict(v: ByteView & { addrSum: number }, l4Start: number, wireEnd: number, end: number, pseudoProtocol: number): string {
  if (wireEnd > end) return "unverified: segment not captured whole";
  let sum = sumWords(v, l4Start, wireEnd);
  if (pseudoProtocol >= 0) sum += pseudoHeaderSum(v, pseudoProtocol, wireEnd - l4Start);
  return checksumValid(sum) ? "correct" : "incorrect";
}
