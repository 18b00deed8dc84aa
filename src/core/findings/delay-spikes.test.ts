// S7 on crafted pairs: packets held on the path every Nth packet are reported, with the
// period and the direction; ordinary jitter is not.
import { describe, expect, it } from "vitest";
import { diffCaptures } from "../match/diff";
import { pairTables } from "../match/pair-fixture";
import { CapturePairBuilder, payloadBytes } from "../testing/craft";

/** 120 client-to-server datagrams 10 ms apart, 20 ms on the path, `delayOf(k)` for packet k. */
async function findings(delayOf: (k: number) => number) {
  const pair = new CapturePairBuilder({ offset: -0.8, delay: 0.02 });
  const s = pair.session({ client: "192.168.1.66:41000", server: "10.1.1.7:445" }, { client: "172.16.5.14:41000", server: "10.1.1.7:445" });
  for (let k = 0; k < 120; k++) {
    s.c2s(k * 0.01, { udp: { payload: payloadBytes(300, k) } }, { delay: delayOf(k) });
    if (k % 5 === 0) s.s2c(k * 0.01 + 0.004, { udp: { payload: payloadBytes(40, 500 + k) } });
  }
  const [a, b] = await pairTables(pair);
  return diffCaptures(a, b).findings.filter((f) => f.code === "path-delay-spikes");
}

describe("delaySpikes (S7)", () => {
  it("reports a 0.4 s hold on every 12th packet client → server as periodic, on the path", async () => {
    const found = await findings((k) => (k % 12 === 11 ? 0.42 : 0.02));
    expect(found).toHaveLength(1);
    expect(found[0].title).toBe(
      "10 of 120 packets client → server delayed 400 ms or more on the path, every 12th packet: UDP 192.168.1.66:41000 → 10.1.1.7:445",
    );
    expect(found[0].text).toContain("added on the path between the two points");
  });

  it("says nothing of jitter of a few milliseconds", async () => {
    expect(await findings((k) => 0.02 + ((k * 7919) % 11) * 0.001)).toEqual([]);
  });
});
