// The capturing host of each demo capture against tshark's address and source/TTL counts
// (fixtures/expected/app/demo-*.addresses.txt, demo-*.src-ttl.txt).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memorySource } from "../formats/memory-source";
import { readPacketTable } from "../model/packet-table-builder";
import { captureHostAddresses } from "./capture-host";

const root = join(__dirname, "../../..");
const expectedDir = join(root, "fixtures/expected/app");

/** Sources that send mostly with an initial TTL, among addresses in >= 25% of packets (tshark counts). */
function expectedHosts(side: string, packets: number): string[] {
  const count = (file: string) =>
    readFileSync(join(expectedDir, `demo-${side}.${file}`), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => !f[1].includes(","));
  const frequent = count("addresses.txt").filter(([n]) => Number(n) >= packets / 4).map(([, a]) => a);
  const sent = new Map<string, [number, number]>();
  for (const [n, src, ttl] of count("src-ttl.txt")) {
    const s = sent.get(src) ?? [0, 0];
    s[0] += Number(n);
    if ([32, 64, 128, 255].includes(Number(ttl))) s[1] += Number(n);
    sent.set(src, s);
  }
  return frequent.filter((a) => (sent.get(a)?.[1] ?? 0) * 2 > (sent.get(a)?.[0] ?? 0));
}

describe("captureHostAddresses", () => {
  for (const side of ["client", "server"]) {
    it(`finds the one host of the demo ${side} capture`, async () => {
      const table = await readPacketTable(memorySource(readFileSync(join(root, "public/demo", `${side}.pcap`)), `${side}.pcap`));
      const hosts = expectedHosts(side, table.count);
      expect(hosts).toHaveLength(1);
      expect(captureHostAddresses(table)).toEqual(hosts);
    });
  }
});
