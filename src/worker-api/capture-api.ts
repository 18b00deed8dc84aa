// The interface of workers/capture.worker.ts: reads one capture File into a PacketTable off
// the main thread, reporting progress through a Comlink.proxy callback.
import type { CaptureFormat, Compression, ReadError } from "../core/formats/types";
import type { PacketTable } from "../core/model/packet-table";

export interface CaptureProgress {
  /** Stored-file bytes consumed so far. */
  bytesRead: number;
  packets: number;
}

/** What the summary card shows about one capture: small, cloned to the main thread. */
export interface CaptureSummary {
  file: string;
  format: CaptureFormat | "unknown";
  compression: Compression;
  fileBytes: number;
  packets: number;
  /** Link-type names of the interfaces, e.g. "Ethernet". */
  linkTypes: string[];
  /** Earliest / latest packet time as ns since the epoch; null without packets. */
  firstTimeNs: bigint | null;
  lastTimeNs: bigint | null;
  /** Addresses of the capturing host as inferred from the traffic (most-talking endpoints). */
  hostAddresses: string[];
  errors: ReadError[];
  notes: string[];
}

export interface CaptureReadResult {
  summary: CaptureSummary;
  /** The decoded table, its column buffers transferred (not copied) to the caller. */
  table: PacketTable;
  /** The read was cancelled before the end of the file (a cancel that came after the end is ignored). */
  cancelled: boolean;
}

export interface CaptureWorkerApi {
  /**
   * Reads `file`; `onProgress` is a Comlink.proxy. Rejects with an Error whose message says
   * what went wrong only when nothing could be read at all; partial reads resolve with errors.
   */
  read(jobId: number, file: File, onProgress: (p: CaptureProgress) => void): Promise<CaptureReadResult>;
  /** Stops job `jobId` between slices; its read then resolves with what was read so far. */
  cancel(jobId: number): void;
}
