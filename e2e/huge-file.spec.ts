// Opt-in check that a capture of about 2 GB is read in the browser tab, with capinfos' count:
//   npx tsx bench/make-traffic.ts /tmp/parallax-2g.pcap 2047
//   HUGE_FILE=/tmp/parallax-2g.pcap HUGE_PACKETS=$(capinfos -c -M -T -r /tmp/parallax-2g.pcap | cut -f2) \
//     npx playwright test e2e/huge-file.spec.ts
// Prints the read time and the page's JavaScript heap (the table stays in the worker).
import { expect, pickFiles, test } from "./fixtures";

const file = process.env.HUGE_FILE;
const packets = Number(process.env.HUGE_PACKETS);
test.skip(!file || !packets, "set HUGE_FILE to a large capture and HUGE_PACKETS to its packet count from capinfos");
test.setTimeout(900_000);

test("a 2 GB capture is read in the tab with every packet", async ({ page }) => {
  await page.goto("/");
  const start = Date.now();
  await pickFiles(page, [file!]);
  const card = page.getByTestId("capture-card").first();
  await expect(card).toHaveAttribute("data-status", "ready", { timeout: 900_000 });
  const readMs = Date.now() - start;
  await expect(card.getByTestId("packet-count")).toHaveText(packets.toLocaleString("en-US"));
  const heapMB = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN) / 1e6;
  console.log(JSON.stringify({ file, packets, readMs, mainThreadHeapMB: Math.round(heapMB) }));
});
