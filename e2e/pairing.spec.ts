// Manual unpair and pair, and swapping captures opened in the wrong order (demo pair).
import { join } from "node:path";
import { demoDir, expect, idle, overviewReady, pickFiles, test } from "./fixtures";

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
  await expect(page.getByTestId("session-evidence")).toContainText("paired by hand");
});

test("captures opened server side first are recognised as reversed and swapped", async ({ page }) => {
  await page.goto("/");
  await pickFiles(page, [join(demoDir, "server.pcap"), join(demoDir, "client.pcap")]);
  await overviewReady(page);
  await expect(page.getByTestId("capture-card").first()).toHaveAttribute("data-file", "server.pcap");
  await page.getByTestId("swap").click();
  await overviewReady(page);
  await expect(page.getByTestId("capture-card").first()).toHaveAttribute("data-file", "client.pcap");
  await expect(page.getByTestId("swap")).toHaveCount(0);
  await expect(page.getByTestId("clock")).toContainText(/2\.3\d+ s/);
});
