// The match worker's service on the demo pair: paging, sorting, filtering, stale versions,
// problem navigation, filters and packet bytes re-read from the File.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaptureService } from "./capture-service";
import { MatchService, StaleRequest } from "./match-service";
import type { AlignedOrder, DiffOverrides } from "./match-api";

const root = join(__dirname, "../..");
const byTime: AlignedOrder = { by: "time", descending: false };
const none: DiffOverrides = { clockOffsetSeconds: null, clockSkewPpm: null, manualPairs: [], manualUnpairs: [] };
const demo = ["client", "server"].map((side) => readFileSync(join(root, "public/demo", `${side}.pcap`)));

/** Frame `n` (from 1) of a little-endian microsecond pcap, read directly by its record headers. */
function pcapFrame(bytes: Buffer, n: number): Uint8Array {
  let offset = 24;
  for (let i = 1; i < n; i++) offset += 16 + bytes.readUInt32LE(offset + 8);
  return new Uint8Array(bytes.subarray(offset + 16, offset + 16 + bytes.readUInt32LE(offset + 8)));
}

describe("match service", () => {
  const service = new MatchService();
  let sessionCount = 0;

  beforeAll(async () => {
    const reader = createCaptureService();
    for (let i = 0; i < 2; i++) {
      const file = new File([demo[i]], `${["client", "server"][i]}.pcap`);
      const { table } = await reader.read(i, file, () => {});
      service.addCapture(i + 1, table, file);
    }
    sessionCount = (await service.diff(1, 1, 2, none)).sessionCount;
  });

  it("pages, sorts and filters the sessions", async () => {
    const all = await service.getSessions(1, { sortBy: "packetsA", descending: true, filter: "" }, 0, 1000);
    expect(all.total).toBe(sessionCount);
    const counts = all.rows.map((r) => r.packetsA);
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
    const second = await service.getSessions(1, { sortBy: "packetsA", descending: true, filter: "" }, 2, 3);
    expect(second.rows).toEqual(all.rows.slice(2, 5));
    const sql = await service.getSessions(1, { sortBy: "id", descending: false, filter: ":5432" }, 0, 100);
    expect(sql.total).toBeGreaterThan(0);
    for (const r of sql.rows) expect(`${r.endpointsA} ${r.endpointsB}`).toContain(":5432");
  });

  it("refuses requests for a replaced diff version", async () => {
    await expect(service.getSessions(0, { sortBy: "id", descending: false, filter: "" }, 0, 10)).rejects.toBeInstanceOf(StaleRequest);
  });

  it("gives each side's Wireshark filter and the aligned rows of a session", async () => {
    const http = (await service.getSessions(1, { sortBy: "id", descending: false, filter: "10.1.1.7:8080" }, 0, 1)).rows[0];
    const detail = await service.getSession(1, http.id);
    expect(detail.filters[0]).toMatch(/^ip\.addr==192\.168\.1\.66 && tcp\.port==\d+ && ip\.addr==10\.1\.1\.7 && tcp\.port==8080$/);
    expect(detail.filters[1]).toMatch(/^ip\.addr==172\.16\.5\.14 && tcp\.port==\d+ && ip\.addr==172\.16\.5\.148 && tcp\.port==8080$/);
    const page = await service.getAlignedRows(1, http.id, 0, 50, byTime);
    expect(page.total).toBeGreaterThanOrEqual(http.packetsA);
    expect(page.rows[0].a?.info).toMatch(/\[SYN\]/);
    expect(page.rows[0].b?.info).toMatch(/\[SYN\]/);
  });

  it("jumps between problem rows only", async () => {
    const sessions = (await service.getSessions(1, { sortBy: "problems", descending: true, filter: "" }, 0, 1)).rows;
    const s = sessions[0];
    expect(s.problems).toBeGreaterThan(0);
    const first = (await service.findProblem(1, s.id, -1, 1, byTime))!;
    expect(first.index).toBe(first.position);
    const [row] = (await service.getAlignedRows(1, s.id, first.position, 1, byTime)).rows;
    expect(row.index).toBe(first.index);
    expect(["lost", "injected", "duplicated", "modified", "reordered"]).toContain(row.status);
    expect(await service.findProblem(1, s.id, first.position, -1, byTime)).toBeNull();
  });

  it("lists a session's rows by delay, largest first, and charts one point per delayed row", async () => {
    const http = (await service.getSessions(1, { sortBy: "id", descending: false, filter: "10.1.1.7:8080" }, 0, 1)).rows[0];
    const inTime = await service.getAlignedRows(1, http.id, 0, 100_000, byTime);
    const delays = inTime.rows.map((r) => r.owdMs).filter((d): d is number => d !== null);
    const byDelay = await service.getAlignedRows(1, http.id, 0, 100_000, { by: "delay", descending: true });
    expect(byDelay.total).toBe(inTime.total);
    expect(byDelay.rows[0].owdMs).toBe(Math.max(...delays));
    expect(byDelay.rows.slice(0, delays.length).map((r) => r.owdMs)).toEqual([...delays].sort((x, y) => y - x));
    // A row keeps its identity (index) whatever the order: its details are the same packet.
    const top = byDelay.rows[0];
    expect(await service.rowAt(1, http.id, 0, { by: "delay", descending: true })).toEqual({ position: 0, index: top.index });
    expect(inTime.rows[top.index]).toEqual(top);

    const chart = await service.getDelayChart(1, http.id, 100_000);
    const perDirection = (dir: string) => inTime.rows.filter((r) => r.direction === dir && r.owdMs !== null).length;
    expect(chart.points).toEqual([perDirection("c2s"), perDirection("s2c")]);
    expect(chart.delayed).toEqual(chart.points);
    expect(chart.lost).toEqual([inTime.rows.filter((r) => r.direction === "c2s" && r.status === "lost").length, inTime.rows.filter((r) => r.direction === "s2c" && r.status === "lost").length]);
    expect(Math.max(chart.maxDelayMs[0] ?? -Infinity, chart.maxDelayMs[1] ?? -Infinity)).toBe(top.owdMs);
    expect(chart.clock.assumption.length).toBeGreaterThan(0);
  });

  it("re-reads both copies' bytes from the files", async () => {
    const http = (await service.getSessions(1, { sortBy: "id", descending: false, filter: "10.1.1.7:8080" }, 0, 1)).rows[0];
    const [row] = (await service.getAlignedRows(1, http.id, 3, 1, byTime)).rows;
    const details = await service.getPacketDetails(1, http.id, 3);
    expect(details.a?.bytes).toEqual(pcapFrame(demo[0], row.a!.frame));
    expect(details.b?.bytes).toEqual(pcapFrame(demo[1], row.b!.frame));
    // NAT rewrote the client's address (and TTL, checksums): marked on both sides, bytes too.
    const changed = (copy: typeof details.a) => copy!.fields.filter((f) => f.changed).map((f) => f.name);
    for (const copy of [details.a, details.b]) {
      expect(changed(copy)).toEqual(expect.arrayContaining(["ip.src", "ip.ttl"]));
      expect(changed(copy)).not.toContain("frame.number");
      expect(changed(copy)).not.toContain("tcp.seq");
    }
    const src = details.a!.fields.find((f) => f.name === "ip.src")!;
    for (let i = src.offset; i < src.offset + 4; i++) expect(details.a!.changedBytes).toContain(i);
    expect(details.b!.fields.find((f) => f.name === "ip.src")!.label).toContain("172.16.5.14");
  });

  it("recomputes with a given clock offset", async () => {
    const overview = await service.diff(2, 1, 2, { ...none, clockOffsetSeconds: 2.35, clockSkewPpm: 50 });
    expect(overview.clock).toMatchObject({ offsetSeconds: 2.35, source: "given" });
    expect(overview.clock.skewPpm).toBeCloseTo(50, 9);
  });
});
