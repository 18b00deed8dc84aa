// Cancelling a read keeps the packets read so far, and the page stays usable.
import { expect, idle, test } from "./fixtures";

const PATTERN_RECORDS = 20;
const PATTERN_REPEATS = 1000;
const MEMBERS = 400;

test("a long read can be cancelled and keeps what was read", async ({ page }) => {
  await page.goto("/");
  // A gzip pcap of 8 million packets (1.5 GB decompressed, 10 MB stored), built in the page:
  // the demo's first 20 records over and over, in 400 concatenated gzip members. Reading it
  // takes seconds even on a fast machine, so the cancel comes while it is being read.
  const transfer = await page.evaluateHandle(
    async ({ records, repeats, members }) => {
      const demo = new Uint8Array(await (await fetch("demo/client.pcap")).arrayBuffer());
      const view = new DataView(demo.buffer);
      let end = 24;
      for (let r = 0; r < records; r++) end += 16 + view.getUint32(end + 8, true);
      const gzip = async (parts: BlobPart[]) =>
        new Uint8Array(await new Response(new Blob(parts).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
      const member = await gzip(Array.from({ length: repeats }, () => demo.subarray(24, end)));
      const dt = new DataTransfer();
      dt.items.add(new File([await gzip([demo.subarray(0, 24)]), ...Array.from({ length: members }, () => member)], "long.pcap.gz"));
      return dt;
    },
    { records: PATTERN_RECORDS, repeats: PATTERN_REPEATS, members: MEMBERS },
  );
  await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: transfer });
  const card = page.getByTestId("capture-card");
  // Cancel once some packets are in.
  await expect(card.getByText(/· [1-9][\d,]* packets/)).toBeVisible();
  await card.getByRole("button", { name: "Cancel" }).click();
  await idle(page);
  await expect(card).toHaveAttribute("data-status", "cancelled");
  const kept = Number((await card.getByTestId("packet-count").textContent())!.replace(/,/g, ""));
  expect(kept).toBeGreaterThan(0);
  // Stopped soon after the click, not at the end of the file: the worker handles the cancel while it reads.
  expect(kept).toBeLessThan((PATTERN_RECORDS * PATTERN_REPEATS * MEMBERS) / 4);
  await expect(card.getByText(`reading was cancelled after ${kept} packets: the rest of the file was not read`)).toBeVisible();
  await expect(card.getByText("Format")).toBeVisible();
  await expect(card.getByText("pcap (gzip)")).toBeVisible();
});
