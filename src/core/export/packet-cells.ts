// Wireshark's packet-list columns (No., Time, Source, Destination, Protocol, Length, Info)
// for one row of a PacketTable, computed for the rows on screen only (the app's diff view;
// an export that lists packets the way Wireshark does would use the same cells).
import { infoLine, protocolName, tcpContext, type TcpContext } from "../decode/info";
import type { PacketTable } from "../model/packet-table";

/** Wireshark's packet-list columns for one copy of a packet. */
export interface PacketCells {
  frame: number;
  /** Seconds since the capture's first packet, 6 decimals. */
  time: string;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
}

/** Relative sequence numbers and scaled windows need per-connection context: built once per table, on first use. */
const tcpOf = new WeakMap<PacketTable, TcpContext>();

/** Seconds since the capture's first frame, like Wireshark's default Time column. */
function relativeTime(t: PacketTable, row: number): string {
  const c = t.columns;
  let sec = c.tsSec[row] - c.tsSec[0];
  let nsec = c.tsNsec[row] - c.tsNsec[0];
  if (nsec < 0) {
    sec -= 1;
    nsec += 1_000_000_000;
  }
  const negative = sec < 0;
  if (negative) {
    // Earlier than frame 1 (out-of-order file): print -(|t|) exactly.
    const total = -(sec * 1_000_000_000 + nsec);
    sec = Math.floor(total / 1_000_000_000);
    nsec = total % 1_000_000_000;
  }
  return `${negative ? "-" : ""}${sec}.${String(Math.floor(nsec / 1000)).padStart(6, "0")}`;
}

export function packetCells(t: PacketTable, row: number): PacketCells {
  let tcp = tcpOf.get(t);
  if (!tcp) tcpOf.set(t, (tcp = tcpContext(t)));
  const c = t.columns;
  return {
    frame: row + 1,
    time: relativeTime(t, row),
    source: t.addresses.text[c.src[row]] ?? "",
    destination: t.addresses.text[c.dst[row]] ?? "",
    protocol: protocolName(t, row),
    length: c.originalLength[row],
    info: infoLine(t, row, { tcp, relative: true }),
  };
}
