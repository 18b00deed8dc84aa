// The demo pair (lab scenario clean-nat, shipped in public/demo): landing page, "Open the
// demo", overview, a session's diff, packet details, Wireshark filter, clock override.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, idle, overviewReady, repoRoot, test } from "./fixtures";

const expectedDir = join(repoRoot, "fixtures/expected/app");
const capinfosPackets = (side: string) =>
  Number(readFileSync(join(expectedDir, `demo-${side}.capinfos.tsv`), "utf8").split("\t")[1]);

test("landing page says what it reads and that files stay local", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByText("Your files never leave the browser")).toBeVisible();
  await expect(page.getByText(/pcapng/)).toBeVisible();
  await expect(page.getByTestId("open-demo")).toBeVisible();
  await idle(page);
});

test("the demo pair opens, pairs its sessions and shows the NAT rewrite field by field", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/");
  await page.getByTestId("open-demo").click();
  await overviewReady(page);

  const cards = page.getByTestId("capture-card");
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(0).getByTestId("packet-count")).toHaveText(capinfosPackets("client").toLocaleString("en-US"));
  await expect(cards.nth(1).getByTestId("packet-count")).toHaveText(capinfosPackets("server").toLocaleString("en-US"));
  await expect(cards.nth(0)).toContainText("192.168.1.66");

  // The clean-nat truth: server clock +2.350 s; the estimate rests on equal minimum delays.
  await expect(page.getByTestId("clock")).toContainText(/2\.3\d+ s/);
  await expect(page.getByTestId("clock")).toContainText(/ppm ±0\.\d/);
  await expect(page.getByTestId("findings")).toContainText(/192\.168\.1\.66/);

  // The HTTP download session: client side to 10.1.1.7:8080, server side 172.16.5.148:8080.
  await page.getByTestId("session-filter").fill("8080");
  await idle(page);
  const row = page.getByTestId("session-row").first();
  await expect(row).toContainText("10.1.1.7:8080");
  await expect(row).toContainText("172.16.5.148:8080");
  await row.click();
  await idle(page);

  const filterA = await page.getByTestId("filter-a").textContent();
  expect(filterA).toMatch(/^ip\.addr==192\.168\.1\.66 && tcp\.port==\d+ && ip\.addr==10\.1\.1\.7 && tcp\.port==8080$/);
  await page.getByTestId("copy-filter-a").click();
  await expect(page.getByTestId("side-a").getByText("copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(filterA);

  // First aligned row: the SYN, seen on both sides; NAT rewrote addresses, TTL and MSS.
  const first = page.getByTestId("aligned-row").first();
  await expect(first).toHaveAttribute("data-status", /matched|modified/);
  await first.click();
  await idle(page);
  const details = page.getByTestId("packet-details");
  await expect(details.getByTestId("details-a").locator('[data-field="ip.src"][data-testid="changed-field"]')).toBeVisible();
  await expect(details.getByTestId("details-b").locator('[data-field="ip.src"][data-testid="changed-field"]')).toContainText("172.16.5.14");
  await expect(details.getByTestId("details-a").getByTestId("changed-byte").first()).toBeVisible();

  // Clock override: 10 ms more offset makes every client-to-server delay 10 ms shorter.
  const owd = async () => Number(await first.getByTestId("owd").textContent());
  const before = await owd();
  const clockText = (await page.getByTestId("clock").textContent()) ?? "";
  const offset = Number(/(-?\d+\.\d+) s/.exec(clockText)![1]);
  await page.getByTestId("clock-offset").fill(String(offset + 0.01));
  await page.getByTestId("clock-apply").click();
  await idle(page);
  await expect(page.getByTestId("clock")).toContainText("given");
  await page.getByTestId("nav-overview").click();
  await idle(page);
  await page.getByTestId("session-row").first().click();
  await idle(page);
  const after = await owd();
  expect(after).toBeCloseTo(before - 10, 1);
});

test("the URL keeps the open session and row across a reload", async ({ page }) => {
  await page.goto("/");
  await page.getByTestId("open-demo").click();
  await overviewReady(page);
  await page.getByTestId("session-filter").fill(":8080");
  await idle(page);
  await page.getByTestId("session-row").first().click();
  await idle(page);
  await page.getByTestId("aligned-row").nth(5).click();
  await idle(page);
  const url = page.url();
  expect(url).toMatch(/#v=1&page=session&s=\d+&row=5&/);

  await page.goto("about:blank");
  await page.goto(url);
  await page.getByTestId("open-demo").click();
  await idle(page);
  await expect(page.locator('[data-testid="aligned-row"].selected')).toHaveAttribute("data-index", "5");
  await expect(page.getByTestId("packet-details")).toBeVisible();
  await expect(page.getByTestId("session-filter")).toHaveCount(0);
});
