// Reads the demo pair through the capture service (File → reader → decoder → summary) and
// compares with capinfos/tshark output saved in fixtures/expected/app/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { captureHostAddresses } from "../core/flows/capture-host";
import { createCaptureService } from "./capture-service";

const root = join(__dirname, "../..");
const expectedDir = join(root, "fixtures/expected/app");

function capinfos(side: string) {
  const [, packets, first, last] = readFileSync(join(expectedDir, `demo-${side}.capinfos.tsv`), "utf8").trim().split("\t");
  const ns = (s: string) => BigInt(s.replace(".", "").padEnd(s.indexOf(".") + 9, "0"));
  return { packets: Number(packets), first: ns(first), last: ns(last) };
}

describe("capture service", () => {
  for (const side of ["client", "server"]) {
    it(`reads the demo ${side} capture with capinfos' count and span`, async () => {
      const bytes = readFileSync(join(root, "public/demo", `${side}.pcap`));
      const file = new File([bytes], `${side}.pcap`);
      const progress: number[] = [];
      const { summary, table } = await createCaptureService().read(1, file, (p) => progress.push(p.packets));
      const expected = capinfos(side);
      expect(summary.packets).toBe(expected.packets);
      expect(table.count).toBe(expected.packets);
      expect(summary.firstTimeNs).toBe(expected.first);
      expect(summary.lastTimeNs).toBe(expected.last);
      expect(summary.format).toBe("pcap");
      expect(summary.linkTypes).toEqual(["Ethernet"]);
      expect(summary.errors).toEqual([]);
      expect(summary.hostAddresses).toEqual(captureHostAddresses(table));
      expect(progress.length).toBeGreaterThan(0);
    });
  }

  it("keeps the packets before a corrupt record and reports where it broke", async () => {
    const bytes = new Uint8Array(readFileSync(join(root, "public/demo/client.pcap")));
    // Record 1 starts after the 24-byte file header; give record 2 an absurd captured length.
    const second = 24 + 16 + new DataView(bytes.buffer).getUint32(24 + 8, true);
    new DataView(bytes.buffer).setUint32(second + 8, 0x7fffffff, true);
    const { summary } = await createCaptureService().read(2, new File([bytes], "broken.pcap"), () => {});
    expect(summary.packets).toBe(1);
    expect(summary.errors.length).toBeGreaterThan(0);
    expect(summary.errors[0]).toMatchObject({ offset: second, frame: 2, fatal: true });
  });

  it("stops when cancelled and keeps the packets read so far", async () => {
    // The demo's records 16 times over (37 MB): several read slices.
    const demo = readFileSync(join(root, "public/demo/client.pcap"));
    const records = demo.subarray(24);
    const big = new File([demo.subarray(0, 24), ...Array.from({ length: 16 }, () => records)], "big.pcap");
    const service = createCaptureService();
    // Cancel at the first progress report (after the first slice).
    const reading = service.read(7, big, () => service.cancel(7));
    const { summary, table, cancelled } = await reading;
    expect(cancelled).toBe(true);
    expect(table.count).toBe(summary.packets);
    expect(summary.packets).toBeGreaterThan(0);
    expect(summary.packets).toBeLessThan(16 * capinfos("client").packets);
    expect(summary.notes.some((n) => n.startsWith("reading was cancelled after"))).toBe(true);
    expect(summary.format).toBe("pcap");
  });

  it("says what a file is when it is not a capture", async () => {
    const file = new File([new TextEncoder().encode("<!doctype html><html></html>")], "page.pcap");
    const { summary } = await createCaptureService().read(3, file, () => {});
    expect(summary.packets).toBe(0);
    expect(summary.errors[0].message).toMatch(/not a capture file/);
  });
});
