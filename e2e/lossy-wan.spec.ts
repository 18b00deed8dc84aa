// Lab pair lossy-wan (2 % loss each way, read from ../shared): dropped onto the page with a
// synthetic DataTransfer; lost packets must be found and shown red.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dropFiles, expect, haveSharedLab, idle, overviewReady, sharedLab, test } from "./fixtures";

test.skip(!haveSharedLab, "../shared/captures/lab is not present");

test("lost packets of lossy-wan are listed and shown red", async ({ page }) => {
  const dir = join(sharedLab, "lossy-wan");
  const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as { lost: { c2s: unknown[]; s2c: unknown[] } };
  await page.goto("/");
  await dropFiles(page, [join(dir, "client.pcap"), join(dir, "server.pcap")]);
  await overviewReady(page);
  await expect(page.getByTestId("findings")).toContainText(/lost/i);
  // 3.3 s of jittery delays do not pin the drift down: the clock shows how far apart the two directions' skews are.
  await expect(page.getByTestId("clock")).toContainText(/ppm ±12\d\.\d/);
  expect(await page.getByTestId("clock").getAttribute("title")).toMatch(/not flat enough to pin the drift down/);

  // Every session is on screen (a few dozen rows): the lost columns add up to the truth.
  const rows = page.getByTestId("session-row");
  const count = await rows.count();
  expect(count).toBe(Number(await page.getByTestId("sessions-table").getAttribute("aria-rowcount")));
  let lost = [0, 0];
  for (let i = 0; i < count; i++) {
    const cells = rows.nth(i).getByRole("cell");
    lost = [lost[0] + Number(await cells.nth(6).textContent()), lost[1] + Number(await cells.nth(7).textContent())];
  }
  expect(lost).toEqual([truth.lost.c2s.length, truth.lost.s2c.length]);

  // Sort by lost client-to-server packets, most first: the first row has some.
  const header = page.getByRole("columnheader", { name: /Lost c→s/ });
  await header.click();
  await idle(page);
  if (!(await header.textContent())?.includes("▼")) {
    await header.click();
    await idle(page);
  }
  const top = page.getByTestId("session-row").first();
  const lostCell = top.getByRole("cell").nth(6);
  expect(Number(await lostCell.textContent())).toBeGreaterThan(0);
  await expect(lostCell).toHaveClass(/bad/);
  await top.click();
  await idle(page);

  // n jumps to the first problem; a lost c->s packet has no B side, shown red.
  await page.getByTestId("diff-table").focus();
  let status = "";
  for (let tries = 0; tries < 50 && status !== "lost"; tries++) {
    await page.keyboard.press("n");
    await idle(page);
    status = (await page.locator('[data-testid="aligned-row"].selected').getAttribute("data-status")) ?? "";
  }
  expect(status).toBe("lost");
  const selected = page.locator('[data-testid="aligned-row"].selected');
  const missing = selected.locator('[data-missing="true"]');
  await expect(missing).toHaveCount(1);
  const background = await missing.evaluate((el) => getComputedStyle(el).backgroundColor);
  const [r, g, b] = background.match(/\d+/g)!.map(Number);
  expect(r).toBeGreaterThan(g + 20);
  expect(r).toBeGreaterThan(b + 20);
  await expect(selected.getByText("lost")).toBeVisible();

  // Arrow keys move the selection one row; N goes back to the problem.
  const index = Number(await selected.getAttribute("data-index"));
  await page.keyboard.press("ArrowDown");
  await expect(page.locator('[data-testid="aligned-row"].selected')).toHaveAttribute("data-index", String(index + 1));
  await page.keyboard.press("N");
  await idle(page);
  await expect(page.locator('[data-testid="aligned-row"].selected')).toHaveAttribute("data-index", String(index));
});
