// Opt-in measurement with two large captures (e.g. 1 million packets each):
//   LARGE_A=/tmp/a.pcap LARGE_B=/tmp/b.pcap npx playwright test e2e/large.spec.ts
// Prints read, diff, session-open and packet-details times and scrolling frame times.
import { expect, idle, overviewReady, pickFiles, test } from "./fixtures";

const a = process.env.LARGE_A;
const b = process.env.LARGE_B;
test.skip(!a || !b, "set LARGE_A and LARGE_B to two large capture files");
test.setTimeout(900_000);

test("two large captures open, compare and scroll", async ({ page }) => {
  await page.goto("/");
  const t0 = Date.now();
  await pickFiles(page, [a!, b!]);
  const cards = page.getByTestId("capture-card");
  await expect(cards.nth(0)).not.toHaveAttribute("data-status", "reading", { timeout: 600_000 });
  await expect(cards.nth(1)).not.toHaveAttribute("data-status", "reading", { timeout: 600_000 });
  const read = Date.now() - t0;
  await overviewReady(page);
  const compared = Date.now() - t0 - read;

  // The biggest session (most packets in A).
  const header = page.getByRole("columnheader", { name: /Pkts A/ });
  await header.click();
  await idle(page);
  if (!(await header.textContent())?.includes("▼")) await header.click();
  await idle(page);
  const t1 = Date.now();
  await page.getByTestId("session-row").first().click();
  await idle(page);
  const opened = Date.now() - t1;
  const rows = Number(await page.getByTestId("diff-table").getAttribute("aria-rowcount"));

  const frames: Record<string, unknown> = {};
  for (const step of [100, 2000]) {
    frames[`step ${step}px`] = await page.evaluate(async (step) => {
      const el = document.querySelector('[data-testid="diff-table"]') as HTMLElement;
      const times: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 120; i++) {
        el.scrollTop += step;
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      times.sort((x, y) => x - y);
      return { medianMs: +times[60].toFixed(1), p95Ms: +times[114].toFixed(1) };
    }, step);
  }
  await idle(page);

  // Details of the last row: its bytes are re-read from the end of the files.
  await page.getByTestId("diff-table").evaluate((el) => (el.scrollTop = el.scrollHeight));
  await idle(page);
  const t2 = Date.now();
  await page.getByTestId("aligned-row").last().click();
  await idle(page);
  await expect(page.getByTestId("packet-details")).toBeVisible();
  const details = Date.now() - t2;
  const heapMB = await page.evaluate(() => Math.round(((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) / 1e6));
  console.log(JSON.stringify({ readMs: read, compareMs: compared, sessionRows: rows, openSessionMs: opened, frames, lastRowDetailsMs: details, mainThreadHeapMB: heapMB }, null, 1));
});
