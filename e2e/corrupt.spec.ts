// A corrupted capture shows its error (where, what was kept) and does not stop the other
// file from being read and compared.
import { join } from "node:path";
import { corruptedServer, demoDir, expect, idle, overviewReady, pickFiles, test } from "./fixtures";

test("a corrupted file shows its error and the other still works", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles([
    { name: "server-corrupted.pcap", mimeType: "application/octet-stream", buffer: corruptedServer() },
  ]);
  await pickFiles(page, [join(demoDir, "client.pcap")]);
  await idle(page);
  const bad = page.locator('[data-testid="capture-card"][data-file="server-corrupted.pcap"]');
  await expect(bad.getByTestId("capture-error").first()).toContainText(/frame 3/);
  await expect(bad).toContainText(/Kept the 2 packets before the error/);
  const good = page.locator('[data-testid="capture-card"][data-file="client.pcap"]');
  await expect(good.getByTestId("packet-count")).toHaveText("2,984");

  // Not a capture at all: said plainly, nothing kept.
  await page.getByTestId("file-input").setInputFiles([
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("<!doctype html><p>not a capture</p>") },
  ]);
  await idle(page);
  await expect(page.locator('[data-testid="capture-card"][data-file="notes.txt"]')).toContainText(/not a capture file/);

  // Close the broken files; the good one is compared with a good partner.
  await bad.getByTestId("remove-capture").click();
  await page.locator('[data-testid="capture-card"][data-file="notes.txt"]').getByTestId("remove-capture").click();
  await pickFiles(page, [join(demoDir, "server.pcap")]);
  await overviewReady(page);
  await expect(page.getByTestId("capture-card")).toHaveCount(2);
  await expect(page.getByTestId("session-row").first()).toContainText("10.1.1.7");
});
