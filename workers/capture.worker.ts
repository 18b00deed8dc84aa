// Capture worker: reads one File into a PacketTable (src/worker-api/capture-service.ts) and
// hands the table's buffers over to the caller instead of copying them.
import * as Comlink from "comlink";
import type { CaptureWorkerApi } from "../src/worker-api/capture-api";
import { createCaptureService } from "../src/worker-api/capture-service";
import { tableBuffers } from "../src/worker-api/transfer";

const service = createCaptureService();

const api: CaptureWorkerApi = {
  async read(jobId, file, onProgress) {
    const result = await service.read(jobId, file, onProgress);
    return Comlink.transfer(result, tableBuffers(result.table));
  },
  cancel: (jobId) => service.cancel(jobId),
};

Comlink.expose(api);
