// The capture worker's implementation (workers/capture.worker.ts exposes it): reads a File
// through the core reader and decoder into a PacketTable. Pure TS, so Node tests run it too.
import { isGzip } from "../core/formats/gzip";
import { formatReaders, openCapture } from "../core/formats/index";
import type { CaptureFormat, Compression } from "../core/formats/types";
import { isZstd } from "../core/formats/zstd";
import { PacketTableBuilder } from "../core/model/packet-table-builder";
import { blobSource } from "./blob-source";
import type { CaptureProgress, CaptureReadResult, CaptureWorkerApi } from "./capture-api";
import { captureSummary } from "./capture-summary";

/** Compression and format by magic bytes (the format of a compressed file stays unknown here). */
async function container(file: File): Promise<{ format: CaptureFormat | "unknown"; compression: Compression }> {
  const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  const compression: Compression = isGzip(head) ? "gzip" : isZstd(head) ? "zstd" : "none";
  const format = compression === "none" ? (formatReaders.find((r) => r.sniff(head))?.format ?? "unknown") : "unknown";
  return { format, compression };
}

export function createCaptureService(): CaptureWorkerApi {
  const jobs = new Map<number, AbortController>();
  return {
    async read(jobId: number, file: File, onProgress: (p: CaptureProgress) => void): Promise<CaptureReadResult> {
      const abort = new AbortController();
      jobs.set(jobId, abort);
      const builder = new PacketTableBuilder();
      let packets = 0;
      const counting = {
        addInterface: builder.addInterface.bind(builder),
        record: (rec: Parameters<PacketTableBuilder["record"]>[0]) => {
          packets++;
          builder.record(rec);
        },
        error: builder.error.bind(builder),
      };
      let summary;
      try {
        summary = await openCapture(blobSource(file, file.name), counting, {
          signal: abort.signal,
          onProgress: (bytesRead, n) => onProgress({ bytesRead, packets: n }),
        });
      } catch (err) {
        if (!abort.signal.aborted) throw err;
        // Cancelled: keep what was read, as the user asked. The reader's summary is lost with
        // the abort, so the container is told again from the first bytes.
        summary = { file: file.name, ...(await container(file)), fileBytes: file.size, packets, errors: [], notes: [] };
      } finally {
        jobs.delete(jobId);
      }
      const table = builder.finish(summary);
      return { summary: captureSummary(table), table };
    },
    cancel(jobId: number): void {
      jobs.get(jobId)?.abort();
    },
  };
}
