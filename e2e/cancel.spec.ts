// Cancelling a read keeps the packets read so far, and the page stays usable.
import { expect, idle, test } from "./fixtures";

test("a long read can be cancelled and keeps what was read", async ({ page }) => {
  await page.goto("/");
  // A 140 MB capture built in the page: the demo's records 60 times over.
  const copies = 60;
  const transfer = await page.evaluateHandle(async (copies) => {
    const bytes = new Uint8Array(await (await fetch("demo/client.pcap")).arrayBuffer());
    const records = bytes.subarray(24);
    const dt = new DataTransfer();
    dt.items.add(new File([bytes.subarray(0, 24), ...Array.from({ length: copies }, () => records)], "big.pcap"));
    return dt;
  }, copies);
  await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: transfer });
  const card = page.getByTestId("capture-card");
  await card.getByRole("button", { name: "Cancel" }).click();
  await idle(page);
  await expect(card).toHaveAttribute("data-status", "cancelled");
  const note = card.getByText(/Reading cancelled: the first [\d,]+ packets are kept/);
  await expect(note).toBeVisible();
  const kept = Number((await note.textContent())!.match(/first ([\d,]+)/)![1].replace(/,/g, ""));
  expect(kept).toBeLessThan(copies * 2984);
  await expect(card.getByTestId("packet-count")).toHaveText(kept.toLocaleString("en-US"));
});
