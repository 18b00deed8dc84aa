// The ArrayBuffers behind a PacketTable's columns, so it can be moved between threads
// (Comlink.transfer) instead of copied. Columns may share a buffer (originalLength is
// capturedLength when no packet was cut), and a buffer may be listed only once.
import type { PacketTable } from "../core/model/packet-table";

export function tableBuffers(table: PacketTable): ArrayBuffer[] {
  const arrays = [...Object.values(table.columns), ...Object.values(table.optional)] as Array<{ buffer: ArrayBufferLike }>;
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
