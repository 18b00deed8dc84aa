// The capture worker's implementation (workers/capture.worker.ts exposes it): reads a File
// through the core reader and decoder into a PacketTable. Pure TS, so Node tests run it too.
import { openCapture } from "../core/formats/index";
import { PacketTableBuilder } from "../core/model/packet-table-builder";
import { blobSource } from "./blob-source";
import type { CaptureProgress, CaptureReadResult, CaptureWorkerApi } from "./capture-api";
import { captureSummary } from "./capture-summary";

export function createCaptureService(): CaptureWorkerApi {
  const jobs = new Map<number, AbortController>();
  return {
    async read(jobId: number, file: File, onProgress: (p: CaptureProgress) => void): Promise<CaptureReadResult> {
      const abort = new AbortController();
      jobs.set(jobId, abort);
      const builder = new PacketTableBuilder(file.size);
      // Cancelling keeps what was read, as the user asked: openCapture resolves with it.
      const summary = await openCapture(blobSource(file, file.name), builder, {
        signal: abort.signal,
        onProgress: (bytesRead, n) => onProgress({ bytesRead, packets: n }),
      }).finally(() => jobs.delete(jobId));
      const table = builder.finish(summary);
      return { summary: captureSummary(table), table, cancelled: summary.cancelled };
    },
    cancel(jobId: number): void {
      jobs.get(jobId)?.abort();
    },
  };
}
