// A crafted S3 pair (SCENARIOS.md): a middlebox adds 2 bytes to the SYN-ACK. The modified row
// must show its changed cells and the field diff (IP length 44 → 46, TCP payload 0 → 2).
import { pairFiles } from "../src/core/match/pair-fixture";
import { CapturePairBuilder } from "../src/core/testing/craft";
import { expect, idle, overviewReady, pickBytes, test } from "./fixtures";

const SYN = 0x02;
const ACK = 0x10;

function s3Pair(): [Uint8Array, Uint8Array] {
  const pair = new CapturePairBuilder({ offset: -1.5, delay: 0.01 });
  const s = pair.session({ client: "10.0.0.5:50123", server: "192.0.2.80:443" }, { client: "198.51.100.7:50123", server: "192.0.2.80:443" });
  s.c2s(0, { tcp: { seq: 100, flags: SYN, mss: 1460 } });
  s.s2c(0.011, { tcp: { seq: 800, ack: 101, flags: SYN | ACK, mss: 1460 }, id: 4242 }, { atReceiver: { payload: Uint8Array.of(0x0d, 0x0a) } });
  s.c2s(0.022, { tcp: { seq: 101, ack: 803, flags: ACK } });
  return pairFiles(pair);
}

test("a packet modified in flight is highlighted, field by field", async ({ page }) => {
  const [a, b] = s3Pair();
  await page.goto("/");
  await pickBytes(page, { "s3-client.pcap": a, "s3-server.pcap": b });
  await overviewReady(page);
  await expect(page.getByTestId("findings")).toContainText(/modified/i);
  await page.getByTestId("session-row").first().click();
  await idle(page);

  await page.getByTestId("diff-table").focus();
  await page.keyboard.press("n");
  await idle(page);
  const row = page.locator('[data-testid="aligned-row"].selected');
  await expect(row).toHaveAttribute("data-status", "modified");
  // The SYN-ACK gained 2 payload bytes on the way to the client (both frames are 60 bytes on
  // the wire, the shorter one padded): the Info cells, which show Len=, are marked.
  await expect(row.getByTestId("half-a").locator(".col-info.changed")).toContainText("Len=2");
  await expect(row.getByTestId("half-b").locator(".col-info.changed")).toContainText("Len=0");
  await expect(row.getByTestId("half-a").locator(".col-length")).not.toHaveClass(/changed/);

  const details = page.getByTestId("packet-details");
  await expect(details.getByTestId("details-a").locator('[data-field="ip.len"][data-testid="changed-field"]')).toContainText("46");
  await expect(details.getByTestId("details-b").locator('[data-field="ip.len"][data-testid="changed-field"]')).toContainText("44");
  // The two added bytes: a payload only A has.
  await expect(details.getByTestId("details-a").getByTestId("differences")).toContainText("data.len");
});
