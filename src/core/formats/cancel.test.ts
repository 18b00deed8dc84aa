// Cancelling a read, in every format: a cancel during the read keeps what was read and says
// so; a cancel that comes once every record is in (the user clicked as the read ended) is
// ignored, so the capture is not shown as cut short.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCapture } from "./index";
import { memorySource } from "./memory-source";
import { writePcap } from "./pcap-writer";

const root = join(__dirname, "../../..");
const pcap = writePcap(
  Array.from({ length: 400 }, (_, i) => ({ tsSec: 1 + i, tsNsec: 0, data: new Uint8Array(60 + (i % 50)) })),
  { linkType: 1 },
);
const files: [string, Uint8Array][] = [
  ["pcap", pcap],
  ["pcapng", new Uint8Array(readFileSync(join(root, "fixtures/formats/comments-flags.pcapng")))],
  ["netmon", new Uint8Array(readFileSync(join(root, "fixtures/windows/netmon-2.2-process.cap")))],
  ["etl", new Uint8Array(readFileSync(join(root, "fixtures/windows/ndis-mixed.etl")))],
];

/** Reads `bytes` in 64-byte slices, aborting when record number `abortAt` (from 1, or "last") reaches the sink. */
async function readAborting(bytes: Uint8Array, abortAt: number | "last") {
  const all = (await openCapture(memorySource(bytes, "x"), { addInterface() {}, record() {}, error() {} })).packets;
  const stopAt = abortAt === "last" ? all : abortAt;
  const controller = new AbortController();
  let seen = 0;
  const summary = await openCapture(
    memorySource(bytes, "x"),
    { addInterface() {}, record: () => ++seen === stopAt && controller.abort(), error() {} },
    { signal: controller.signal, sliceBytes: 64 },
  );
  return { all, summary };
}

describe.each(files)("cancelling a %s read", (_format, bytes) => {
  it("during the read keeps the packets read so far and says it was cancelled", async () => {
    const { all, summary } = await readAborting(bytes, 1);
    expect(all).toBeGreaterThan(2);
    expect(summary.cancelled).toBe(true);
    expect(summary.packets).toBeGreaterThanOrEqual(1);
    expect(summary.packets).toBeLessThan(all);
    expect(summary.notes).toContain(`reading was cancelled after ${summary.packets} packets: the rest of the file was not read`);
  });

  it("after the last record is ignored", async () => {
    const { all, summary } = await readAborting(bytes, "last");
    expect(summary.cancelled).toBe(false);
    expect(summary.packets).toBe(all);
    expect(summary.notes.filter((n) => n.includes("cancelled"))).toEqual([]);
  });
});
