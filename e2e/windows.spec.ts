// Issue 5: a Windows ETL trace (netsh trace) is opened like any other capture and compared
// with a pcap of the same packets: the independent extractor's copy saved beside the fixture
// (fixtures/expected/windows/small-system-misc-ping.etl.pcap, see regenerate-expected.sh).
import { join } from "node:path";
import { dropFiles, expect, haveSharedLab, idle, overviewReady, repoRoot, sharedLab, test } from "./fixtures";

test.skip(!haveSharedLab, "../shared/captures is not present");

test("an ETL trace and a pcap of the same packets are read and compared with nothing lost", async ({ page }) => {
  const etl = join(sharedLab, "../windows/small-system-misc-ping.etl");
  const pcap = join(repoRoot, "fixtures/expected/windows/small-system-misc-ping.etl.pcap");
  await page.goto("/");
  await dropFiles(page, [etl, pcap]);
  await overviewReady(page);

  const cards = page.getByTestId("capture-card");
  await expect(cards.nth(0)).toContainText("etl");
  await expect(cards.nth(0).getByTestId("packet-count")).toHaveText("43");
  await expect(cards.nth(1).getByTestId("packet-count")).toHaveText("43");
  await expect(page.getByTestId("capture-error")).toHaveCount(0);

  const rows = page.getByTestId("session-row");
  const count = await rows.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const cells = rows.nth(i).getByRole("cell");
    expect([await cells.nth(6).textContent(), await cells.nth(7).textContent()]).toEqual(["0", "0"]);
  }
  await expect(page.getByTestId("findings")).not.toContainText(/lost/i);
  await idle(page);
});
