// No layout jumps: from "Open the demo" until the comparison is ready, the sessions toolbar
// (below the findings block) stays where it first appeared, and the session header and delay
// chart keep their height when a session's details and chart arrive (each tracked frame by frame).
import { expect, idle, overviewReady, test } from "./fixtures";

test("the findings block and the session header keep their height when their content arrives", async ({ page }) => {
  await page.goto("/");
  // Record every position the filter box takes, frame by frame, from the moment it exists.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { filterTops: number[] }).filterTops = seen;
    const watch = () => {
      const el = document.querySelector('[data-testid="session-filter"]');
      if (el) {
        const top = Math.round(el.getBoundingClientRect().top);
        if (seen[seen.length - 1] !== top) seen.push(top);
      }
      requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  });
  await page.getByTestId("open-demo").click();
  await overviewReady(page);
  await expect(page.getByTestId("findings").locator("li").first()).toBeVisible();
  const tops = await page.evaluate(() => (window as unknown as { filterTops: number[] }).filterTops);
  expect(tops.length).toBeGreaterThan(0);
  expect(tops).toEqual([tops[0]]);

  // The session view: the diff table stays where it first appeared, frame by frame, while the details and chart arrive.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { tableTops: number[] }).tableTops = seen;
    const watch = () => {
      const el = document.querySelector('[data-testid="diff-table"]');
      if (el) {
        const top = Math.round(el.getBoundingClientRect().top);
        if (seen[seen.length - 1] !== top) seen.push(top);
      }
      requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  });
  await page.getByTestId("session-row").first().click();
  await idle(page);
  await expect(page.getByTestId("delay-chart")).toHaveAttribute("data-state", "ready");
  await expect(page.getByTestId("session-evidence")).toContainText("Paired on");
  const tableTops = await page.evaluate(() => (window as unknown as { tableTops: number[] }).tableTops);
  expect(tableTops.length).toBeGreaterThan(0);
  expect(tableTops).toEqual([tableTops[0]]);
});
