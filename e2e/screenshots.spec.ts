// Takes the screenshots of the main views for docs/screenshots/ (run: npm run screenshots).
// Skipped in the normal test run so tests do not rewrite tracked files.
import { join } from "node:path";
import { corruptedServer, demoDir, dropFiles, expect, haveSharedLab, idle, overviewReady, pickFiles, repoRoot, sharedLab, test } from "./fixtures";

const out = join(repoRoot, "docs/screenshots");
test.skip(!process.env.SCREENSHOTS, "set SCREENSHOTS=1 (npm run screenshots) to take them");
test.use({ viewport: { width: 1600, height: 900 } });

test("main views, light and dark", async ({ page }) => {
  await page.goto("/");
  await idle(page);
  await page.screenshot({ path: join(out, "landing.png") });

  if (haveSharedLab) await dropFiles(page, [join(sharedLab, "lossy-wan/client.pcap"), join(sharedLab, "lossy-wan/server.pcap")]);
  else await page.getByTestId("open-demo").click();
  await overviewReady(page);
  await page.screenshot({ path: join(out, "overview.png") });

  const header = page.getByRole("columnheader", { name: /Lost c→s/ });
  await header.click();
  await idle(page);
  if (!(await header.textContent())?.includes("▼")) await header.click();
  await idle(page);
  await page.getByTestId("session-row").first().click();
  await idle(page);
  await page.getByTestId("diff-table").focus();
  await page.keyboard.press("n");
  await idle(page);
  await expect(page.locator('[data-testid="aligned-row"].selected')).toBeVisible();
  await page.screenshot({ path: join(out, "session-lost.png") });

  // S7's view: the delay chart, and the rows sorted by one-way delay, largest first.
  await page.getByTestId("sort-owd").click();
  await idle(page);
  await expect(page.getByTestId("delay-chart")).toHaveAttribute("data-state", "ready");
  await page.screenshot({ path: join(out, "session-delay-sorted.png") });
  await page.getByTestId("sort-owd").click();
  await page.getByTestId("sort-owd").click();
  await idle(page);

  await page.getByTestId("aligned-row").first().click();
  await idle(page);
  await page.screenshot({ path: join(out, "packet-details.png") });

  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.screenshot({ path: join(out, "session-dark.png") });
});

test("read errors on the capture cards", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("file-input").setInputFiles([
    { name: "server-corrupted.pcap", mimeType: "application/octet-stream", buffer: corruptedServer() },
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("<!doctype html><p>not a capture</p>") },
  ]);
  await pickFiles(page, [join(demoDir, "client.pcap")]);
  await idle(page);
  await page.getByRole("button", { name: "Captures" }).click();
  await page.screenshot({ path: join(out, "read-errors.png") });
});
