// Drives the workers: one capture worker per file being read, one match worker holding the
// tables and the diff. Stores get ids, progress and small results; packet data stays in workers.
import * as Comlink from "comlink";
import type { CaptureWorkerApi } from "../worker-api/capture-api";
import type { MatchWorkerApi } from "../worker-api/match-api";
import { tableBuffers } from "../worker-api/transfer";
import { comparedPair, useCaptures } from "./captures";
import { track } from "./busy";
import { noOverrides, useDiff } from "./diff";
import { useView } from "./view";

let nextCaptureId = 1;
interface Reader {
  worker: Worker;
  api: Comlink.Remote<CaptureWorkerApi>;
  /** Settles the pending read when the worker is terminated or dies (such a worker never replies). */
  abandon: (reason: string) => void;
}
const readers = new Map<number, Reader>();

let matchApi: Comlink.Remote<MatchWorkerApi> | null = null;
export function match(): Comlink.Remote<MatchWorkerApi> {
  if (!matchApi) {
    const worker = new Worker(new URL("../../workers/match.worker.ts", import.meta.url), { type: "module" });
    worker.addEventListener("error", (e) =>
      useDiff.setState({ status: "failed", failure: `the comparison worker stopped: ${e.message || "it crashed (out of memory?)"}` }),
    );
    matchApi = Comlink.wrap<MatchWorkerApi>(worker);
  }
  return matchApi;
}

/** Default capture-point names by position in the path. */
function defaultPointName(position: number): string {
  return ["client side", "server side"][position] ?? `point ${position + 1}`;
}

export function openFiles(files: File[]): void {
  for (const file of files) void readCapture(file);
}

async function readCapture(file: File): Promise<void> {
  const id = nextCaptureId++;
  const captures = useCaptures.getState();
  captures.add({
    id,
    fileName: file.name,
    fileBytes: file.size,
    pointName: defaultPointName(captures.entries.length),
    status: "reading",
    progress: { bytesRead: 0, packets: 0 },
  });
  const worker = new Worker(new URL("../../workers/capture.worker.ts", import.meta.url), { type: "module" });
  const api = Comlink.wrap<CaptureWorkerApi>(worker);
  let abandon = (_reason: string) => {};
  const abandoned = new Promise<never>((_, reject) => {
    abandon = (reason) => reject(new Error(reason));
  });
  // A worker that dies (out of memory, a crash) sends an error event instead of a reply.
  worker.addEventListener("error", (e) => abandon(`the reader stopped: ${e.message || "the worker crashed (out of memory?)"}`));
  readers.set(id, { worker, api, abandon });
  try {
    const onProgress = Comlink.proxy((progress: { bytesRead: number; packets: number }) =>
      useCaptures.getState().update(id, { progress }),
    );
    const { summary, table, cancelled } = await track(Promise.race([api.read(id, file, onProgress), abandoned]));
    if (!useCaptures.getState().entries.some((e) => e.id === id)) return;
    await track(match().addCapture(id, Comlink.transfer(table, tableBuffers(table)), file));
    useCaptures.getState().update(id, {
      status: cancelled ? "cancelled" : "ready",
      summary,
      progress: { bytesRead: file.size, packets: summary.packets },
    });
    recompute(true);
  } catch (err) {
    useCaptures.getState().update(id, { status: "failed", failure: err instanceof Error ? err.message : String(err) });
  } finally {
    readers.delete(id);
    worker.terminate();
  }
}

/** Stops reading capture `id`; the packets read so far are kept and can still be compared. */
export function cancelCapture(id: number): void {
  const reader = readers.get(id);
  if (!reader) return;
  useCaptures.getState().update(id, { status: "cancelled" });
  void reader.api.cancel(id);
}

export function removeCapture(id: number): void {
  const reader = readers.get(id);
  if (reader) {
    reader.worker.terminate();
    reader.abandon("removed");
    readers.delete(id);
  }
  useCaptures.getState().remove(id);
  void match().removeCapture(id);
  recompute(true);
}

/** Puts B before A (when the comparison says they look reversed). */
export function swapComparedPair(): void {
  const pair = useDiff.getState().pair;
  if (!pair) return;
  useCaptures.getState().swap(pair[0], pair[1]);
  recompute(true);
}

export function moveCapture(id: number, delta: number): void {
  useCaptures.getState().move(id, delta);
  recompute(true);
}

/**
 * Recomputes the diff of the compared pair with the current overrides; a reply for an older
 * version is ignored. `pairChangesOnly` (after captures were opened, closed or moved): only
 * when that changed which two captures are compared. A new pair starts without overrides
 * (they name the old pair's flows and clock).
 */
export function recompute(pairChangesOnly = false): void {
  const pair = comparedPair(useCaptures.getState().entries);
  const diff = useDiff.getState();
  const version = diff.version + 1;
  if (!pair) {
    useDiff.setState({ status: "idle", version, pair: null, overview: null, failure: null, overrides: noOverrides });
    if (useView.getState().page !== "captures") useView.getState().show("captures");
    return;
  }
  const ids: [number, number] = [pair[0].id, pair[1].id];
  const samePair = diff.pair?.[0] === ids[0] && diff.pair?.[1] === ids[1];
  if (samePair && pairChangesOnly) return;
  const overrides = samePair ? diff.overrides : noOverrides;
  useDiff.setState({ status: "computing", version, pair: ids, failure: null, overrides });
  if (!samePair) useView.setState({ page: "overview", sessionId: null, selectedRow: null });
  track(match().diff(version, ids[0], ids[1], overrides)).then(
    (overview) => {
      if (useDiff.getState().version !== version) return;
      useDiff.setState({ status: "ready", overview });
    },
    (err: unknown) => {
      if (useDiff.getState().version !== version) return;
      useDiff.setState({ status: "failed", failure: err instanceof Error ? err.message : String(err) });
    },
  );
}

/** Fetches the demo pair shipped in public/demo (same origin) and opens it like dropped files. */
export async function openDemo(): Promise<void> {
  const names = ["client.pcap", "server.pcap"];
  const files = await track(
    Promise.all(
      names.map(async (name) => {
        const response = await fetch(`${import.meta.env.BASE_URL}demo/${name}`);
        if (!response.ok) throw new Error(`demo/${name}: HTTP ${response.status}`);
        return new File([await response.blob()], name);
      }),
    ),
  );
  openFiles(files);
}
