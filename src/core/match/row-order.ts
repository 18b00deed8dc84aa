// The order in which the session diff lists a session's aligned rows: time order (the
// matcher's own) or by one-way delay, so a delay added to every Nth packet rises to the top.
import type { AlignedRows } from "./types";

export interface AlignedOrder {
  by: "time" | "delay";
  descending: boolean;
}

export const TIME_ORDER: AlignedOrder = { by: "time", descending: false };

/**
 * Session-relative row indexes in the requested order. Rows without a delay (lost, injected,
 * one-sided) follow the delayed ones in time order, whichever way delays are sorted; equal
 * delays keep time order.
 */
export function alignedOrder(rows: AlignedRows, session: number, order: AlignedOrder): Uint32Array {
  const start = rows.sessionRowStart[session];
  const total = rows.sessionRowStart[session + 1] - start;
  const indexes = new Uint32Array(total);
  if (order.by === "time") {
    for (let i = 0; i < total; i++) indexes[i] = order.descending ? total - 1 - i : i;
    return indexes;
  }
  let delayed = 0;
  for (let i = 0; i < total; i++) if (!Number.isNaN(rows.owdMs[start + i])) indexes[delayed++] = i;
  let undelayed = delayed;
  for (let i = 0; i < total; i++) if (Number.isNaN(rows.owdMs[start + i])) indexes[undelayed++] = i;
  const sign = order.descending ? -1 : 1;
  indexes.subarray(0, delayed).sort((x, y) => sign * (rows.owdMs[start + x] - rows.owdMs[start + y]) || x - y);
  return indexes;
}
