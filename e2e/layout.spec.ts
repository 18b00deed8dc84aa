// No layout jumps: from "Open the demo" until the comparison is ready, the sessions toolbar
// (below the findings block) stays where it first appeared, and the session header and delay
// chart keep their height when a session's details and chart arrive (each tracked frame by frame).
import type { Page } from "@playwright/test";
import { expect, idle, overviewReady, test } from "./fixtures";

/**
 * Records every top the element with this test id takes, frame by frame, from the moment it
 * exists; the returned function reads the positions seen so far.
 */
async function trackTop(page: Page, testId: string): Promise<() => Promise<number[]>> {
  await page.evaluate((id) => {
    const seen: number[] = [];
    (window as unknown as { tops: Record<string, number[]> }).tops = { ...(window as unknown as { tops?: Record<string, number[]> }).tops, [id]: seen };
    const watch = () => {
      const el = document.querySelector(`[data-testid="${id}"]`);
      if (el) {
        const top = Math.round(el.getBoundingClientRect().top);
        if (seen[seen.length - 1] !== top) seen.push(top);
      }
      requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  }, testId);
  return () => page.evaluate((id) => (window as unknown as { tops: Record<string, number[]> }).tops[id], testId);
}

test("the findings block and the session header keep their height when their content arrives", async ({ page }) => {
  await page.goto("/");
  const filterTops = await trackTop(page, "session-filter");
  await page.getByTestId("open-demo").click();
  await overviewReady(page);
  await expect(page.getByTestId("findings").locator("li").first()).toBeVisible();
  const tops = await filterTops();
  expect(tops.length).toBeGreaterThan(0);
  expect(tops).toEqual([tops[0]]);

  // The session view: the diff table stays where it first appeared while the details and chart arrive.
  const diffTableTops = await trackTop(page, "diff-table");
  await page.getByTestId("session-row").first().click();
  await idle(page);
  await expect(page.getByTestId("delay-chart")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("session-evidence")).toContainText("Paired on");
  const tableTops = await diffTableTops();
  expect(tableTops.length).toBeGreaterThan(0);
  expect(tableTops).toEqual([tableTops[0]]);
});
