// A crafted pair with loss in twelve UDP sessions: the findings show one line for the kind
// (count, the first five sessions as links, how many more), and a link opens its session.
import { pairFiles } from "../src/core/match/pair-fixture";
import { CapturePairBuilder, payloadBytes } from "../src/core/testing/craft";
import { expect, idle, overviewReady, pickBytes, test } from "./fixtures";

function lossyPair(): [Uint8Array, Uint8Array] {
  const pair = new CapturePairBuilder({ offset: 0.5, delay: 0.01 });
  for (let k = 0; k < 12; k++) {
    const s = pair.session({ client: `10.0.0.${10 + k}:5000`, server: "192.0.2.53:53" }, { client: `10.0.0.${10 + k}:5000`, server: "192.0.2.53:53" });
    const t = k * 0.1;
    s.c2s(t, { udp: { payload: payloadBytes(40, 2 * k) } });
    s.s2c(t + 0.02, { udp: { payload: payloadBytes(90, 2 * k + 1) } });
    s.c2s(t + 0.04, { udp: { payload: payloadBytes(40, 100 + k) } }, { lost: true });
    // A later reply keeps the server-side capture running past the lost datagram (else it is outside its window).
    s.s2c(t + 0.07, { udp: { payload: payloadBytes(90, 200 + k) } });
  }
  return pairFiles(pair);
}

test("loss in twelve sessions is one finding with five sessions to open and seven more", async ({ page }) => {
  const [a, b] = lossyPair();
  await page.goto("/");
  await pickBytes(page, { "client.pcap": a, "server.pcap": b });
  await overviewReady(page);
  const loss = page.getByTestId("finding").filter({ hasText: "Packets lost between the capture points" });
  await expect(loss).toHaveCount(1);
  await expect(loss.locator("strong")).toHaveText("Packets lost between the capture points in 12 session directions (12 sessions)");
  const links = loss.getByRole("button", { name: /1 packet lost client → server: UDP/ });
  await expect(links).toHaveCount(5);
  await expect(loss).toContainText("and 7 more in the sessions table below");

  const third = (await links.nth(2).textContent())!;
  const client = third.match(/UDP (10\.0\.0\.\d+:5000)/)![1];
  await links.nth(2).click();
  await idle(page);
  await expect(page.getByTestId("side-a")).toContainText(client);
});
