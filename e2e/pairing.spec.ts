// Manual unpair and pair on the demo pair: the diff recomputes each time.
import { expect, idle, overviewReady, test } from "./fixtures";

test("a session can be unpaired and paired again by hand", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("open-demo").click();
  await overviewReady(page);
  const sessionsText = async () => (await page.getByTestId("session-count").textContent()) ?? "";
  const before = Number.parseInt(await sessionsText(), 10);

  await page.getByTestId("session-filter").fill(":5432");
  await idle(page);
  await expect(page.getByTestId("session-row")).toHaveCount(1);
  await page.getByTestId("session-row").first().click();
  await idle(page);
  await page.getByTestId("unpair").click();
  await idle(page);

  // Now one session on each side, both one-sided.
  await expect(page.getByTestId("session-row")).toHaveCount(2);
  expect(Number.parseInt(await sessionsText(), 10)).toBe(before + 1);
  const aOnly = page.getByTestId("session-row").filter({ hasText: "10.1.1.7:5432" });
  await aOnly.click();
  await idle(page);
  await expect(page.getByTestId("side-b")).toContainText("not in this capture");
  const select = page.getByTestId("pair-with");
  const option = select.locator("option", { hasText: "172.16.5.148:5432" });
  await select.selectOption({ value: (await option.getAttribute("value"))! });
  await idle(page);

  await expect(page.getByTestId("session-row")).toHaveCount(1);
  expect(Number.parseInt(await sessionsText(), 10)).toBe(before);
  await page.getByTestId("session-row").first().click();
  await idle(page);
  await expect(page.getByText("paired by hand")).toBeVisible();
});
