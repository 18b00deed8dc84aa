// Frames re-read by offset must equal the frames of a full read, for every container the
// readers know (pcap, pcapng with several sections and block kinds, compressed files).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openCapture } from "../core/formats/index";
import { memorySource } from "../core/formats/memory-source";
import type { ByteSource } from "../core/formats/types";
import { haveSharedCaptures, sharedCaptures } from "../testing/shared-captures";
import { createCaptureService } from "./capture-service";
import { readFrames } from "./frame-bytes";

const root = join(__dirname, "../..");
const formats = join(root, "fixtures/formats");

async function allFrames(bytes: Uint8Array): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  await openCapture(memorySource(bytes), { addInterface: () => {}, record: (r) => frames.push(r.data.slice()), error: () => {} });
  return frames;
}

function counting(bytes: Uint8Array): ByteSource & { bytesRead: number } {
  const inner = memorySource(bytes, "counted");
  const source = {
    name: inner.name,
    size: inner.size,
    bytesRead: 0,
    read: async (offset: number, length: number) => {
      const out = await inner.read(offset, length);
      source.bytesRead += out.length;
      return out;
    },
  };
  return source;
}

const files = [
  join(root, "public/demo/client.pcap"),
  ...readdirSync(formats)
    .filter((f) => /\.(pcap|pcapng|gz|zst)$/.test(f))
    .map((f) => join(formats, f)),
];

const shared = haveSharedCaptures
  ? readdirSync(join(sharedCaptures, "formats"))
      .filter((f) => /\.(pcap|pcapng|gz|zst)$/.test(f))
      .map((f) => join(sharedCaptures, "formats", f))
  : [];

describe("readFrames", () => {
  for (const path of [...files, ...shared]) {
    it(`re-reads frames of ${path.split("/").slice(-2).join("/")} exactly`, async () => {
      const bytes = new Uint8Array(readFileSync(path));
      const expected = await allFrames(bytes);
      const { table } = await createCaptureService().read(1, new File([bytes], "f"), () => {});
      expect(table.count).toBe(expected.length);
      const step = Math.max(1, Math.floor(table.count / 40));
      const wanted = Array.from({ length: Math.ceil(table.count / step) }, (_, i) => 1 + i * step);
      const got = await readFrames(memorySource(bytes), table, wanted);
      for (const frame of wanted) expect(got.get(frame), `frame ${frame}`).toEqual(expected[frame - 1]);
    });
  }

  it("reads only around the record for an uncompressed file", async () => {
    const bytes = new Uint8Array(readFileSync(files[0]));
    const { table } = await createCaptureService().read(1, new File([bytes], "f"), () => {});
    const source = counting(bytes);
    const got = await readFrames(source, table, [table.count]);
    expect(got.get(table.count)?.length).toBe(table.columns.capturedLength[table.count - 1]);
    expect(source.bytesRead).toBeLessThan(10_000);
  });
});
