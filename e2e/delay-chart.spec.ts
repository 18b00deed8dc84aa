// S7 tools on the demo pair: the delay-over-time chart has a point per packet seen at both
// capture points, per direction, and sorting the OWD column (in the worker) lists the largest
// delay first.
import { expect, idle, overviewReady, test } from "./fixtures";
import type { Page } from "@playwright/test";

/** The OWD cells and directions of every rendered row (the session must fit on screen). */
async function renderedRows(page: Page): Promise<Array<{ dir: string; owd: number | null }>> {
  const rows = page.getByTestId("aligned-row");
  const out: Array<{ dir: string; owd: number | null }> = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const status = (await rows.nth(i).locator(".status").textContent()) ?? "";
    const owd = (await rows.nth(i).getByTestId("owd").textContent()) ?? "";
    out.push({ dir: status.startsWith("→") ? "c2s" : "s2c", owd: owd === "" ? null : Number(owd) });
  }
  return out;
}

async function openSession(page: Page, filter: string) {
  await page.getByTestId("session-filter").fill(filter);
  await idle(page);
  await page.getByTestId("session-row").first().click();
  await idle(page);
  await expect(page.getByTestId("delay-chart")).toHaveAttribute("data-state", "ready");
}

test("the delay chart plots both directions and the OWD column sorts by delay in the worker", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("open-demo").click();
  await overviewReady(page);

  // The ping session: 5 echo requests and 5 replies, all on screen at once.
  await openSession(page, "icmp 192.168.1.66");
  const rows = await renderedRows(page);
  expect(rows.length).toBe(Number(await page.getByTestId("diff-table").getAttribute("aria-rowcount")));
  const chart = page.getByTestId("delay-chart");
  const delayed = (dir: string) => rows.filter((r) => r.dir === dir && r.owd !== null).length;
  expect(delayed("c2s")).toBeGreaterThan(0);
  expect(delayed("s2c")).toBeGreaterThan(0);
  await expect(chart).toHaveAttribute("data-points-c2s", String(delayed("c2s")));
  await expect(chart).toHaveAttribute("data-points-s2c", String(delayed("s2c")));
  await expect(chart.locator("canvas")).toBeVisible();
  await expect(page.getByTestId("chart-clock")).toContainText(/minimum one-way delay is assumed equal/);

  const largest = Math.max(...rows.flatMap((r) => (r.owd === null ? [] : [r.owd])));
  const sort = page.getByTestId("sort-owd");
  await sort.click();
  await idle(page);
  await expect(sort).toHaveAttribute("aria-sort", "descending");
  const sorted = await renderedRows(page);
  expect(sorted[0].owd).toBe(largest);
  const owds = sorted.flatMap((r) => (r.owd === null ? [] : [r.owd]));
  expect(owds).toEqual([...owds].sort((x, y) => y - x));
  const chartMax = Math.max(Number(await chart.getAttribute("data-max-delay-c2s")), Number(await chart.getAttribute("data-max-delay-s2c")));
  expect(chartMax.toFixed(3)).toBe(largest.toFixed(3));

  // The row's identity follows it: its details are the packet with that delay.
  await page.getByTestId("aligned-row").first().click();
  await idle(page);
  await expect(page.getByTestId("aligned-row").first()).toHaveClass(/selected/);
  await expect(page.getByTestId("packet-details")).toContainText(/ICMP|Internet Control/);

  // A bigger session (the PostgreSQL one): largest first as well, the chart agrees.
  await page.getByTestId("nav-overview").click();
  await idle(page);
  await openSession(page, ":5432");
  await expect(chart).toHaveAttribute("data-points-c2s", /^[1-9]\d*$/);
  await expect(chart).toHaveAttribute("data-points-s2c", /^[1-9]\d*$/);
  await sort.click();
  await idle(page);
  const top = await renderedRows(page);
  const max = Math.max(Number(await chart.getAttribute("data-max-delay-c2s")), Number(await chart.getAttribute("data-max-delay-s2c")));
  expect(top[0].owd!.toFixed(3)).toBe(max.toFixed(3));
  for (const r of top) if (r.owd !== null) expect(r.owd).toBeLessThanOrEqual(top[0].owd!);
});
