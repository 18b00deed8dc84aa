// Benchmark of `parallax diff` on a generated pair of ~1M packets each (NATed TCP transfers
// with timestamps and DNS-like UDP, 0.5% loss, a few duplicates, jitter, clock offset/skew):
// time to read both files, time to diff, and peak memory per packet.
// Usage: tsx bench/diff.ts   (run by `npm run bench`; the pair is generated once into
//        DIFF_BENCH_DIR, default /tmp/parallax-bench-diff, with DIFF_BENCH_PACKETS, default 1000000)
//        tsx bench/diff.ts --make DIR PACKETS   (writes DIR/a.pcap and DIR/b.pcap only)

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { openFileSource } from "../src/cli/node-source";
import { diffCaptures } from "../src/core/match/diff";
import { pairFiles } from "../src/core/match/pair-fixture";
import { readPacketTable } from "../src/core/model/packet-table-builder";
import { TcpFlag } from "../src/core/model/packet-table";
import { CapturePairBuilder, payloadBytes } from "../src/core/testing/craft";

// Mapped ports stay clear of tunnel ports (VXLAN 4789, GENEVE 6081): the decoder would unwrap those.
const SEGMENTS_PER_TRANSFER = 900;

/** Deterministic pseudo-random numbers in [0, 1). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function makePair(dir: string, packets: number): void {
  const rnd = random(7);
  const pair = new CapturePairBuilder({ offset: 4.2, skewPpm: 30, delay: 0.012 });
  const payloads = Array.from({ length: 64 }, (_, k) => payloadBytes(64 + k * 2, k + 1));
  const path = () => ({ delay: 0.012 + rnd() * 0.004, lost: rnd() < 0.005, duplicates: rnd() < 0.0005 ? [0.0002] : [] });
  const transfers = Math.max(1, Math.floor((packets * 0.9) / SEGMENTS_PER_TRANSFER));
  for (let k = 0; k < transfers; k++) {
    const s = pair.session(
      { client: `192.168.${(k >> 8) & 255}.${k & 255}:${40000 + (k % 20000)}`, server: "10.1.1.7:443" },
      { client: `203.0.113.${1 + (k % 200)}:${1024 + k}`, server: "198.51.100.7:443" },
    );
    let t = (k / transfers) * 60;
    let seqC = 1000;
    let seqS = 9000;
    let ts = 1000 * k;
    s.c2s(t, { tcp: { seq: seqC++, flags: TcpFlag.SYN, mss: 1460, timestamps: [ts, 0] } }, { delay: 0.012 });
    s.s2c((t += 0.013), { tcp: { seq: seqS++, ack: seqC, flags: TcpFlag.SYN | TcpFlag.ACK, mss: 1460, timestamps: [ts, ts] } }, { delay: 0.012 });
    for (let i = 0; i < SEGMENTS_PER_TRANSFER - 2; i++) {
      t += 0.0005 + rnd() * 0.002;
      ts++;
      const p = payloads[(i + k) % payloads.length];
      if (i % 3 === 2) s.c2s(t, { tcp: { seq: seqC, ack: seqS, flags: TcpFlag.ACK, timestamps: [ts, ts] } }, path());
      else {
        s.s2c(t, { tcp: { seq: seqS, ack: seqC, flags: TcpFlag.PSH | TcpFlag.ACK, payload: p, timestamps: [ts, ts] } }, path());
        seqS += p.length;
      }
    }
  }
  const queries = Math.floor((packets - transfers * SEGMENTS_PER_TRANSFER) / 2);
  for (let q = 0; q < queries; q++) {
    const s = pair.session(
      { client: `192.168.${200 + Math.floor(q / 50000)}.${q % 250}:${10000 + (q % 50000)}`, server: "10.1.1.53:53" },
      { client: `203.0.113.${250 - Math.floor(q / 40000)}:${20000 + (q % 40000)}`, server: "198.51.100.53:53" },
    );
    const t = (q / queries) * 60;
    s.c2s(t, { udp: { payload: payloadBytes(40, q * 2 + 1) } }, path());
    s.s2c(t + 0.025, { udp: { payload: payloadBytes(120, q * 2 + 2) } }, path());
  }
  const [a, b] = pairFiles(pair);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "a.pcap"), a);
  writeFileSync(join(dir, "b.pcap"), b);
}

async function load(path: string) {
  const source = await openFileSource(path);
  try {
    return await readPacketTable(source);
  } finally {
    await source.close();
  }
}

async function benchDiff(dir = "/tmp/parallax-bench-diff", packets = 1_000_000): Promise<void> {
  const fileA = join(dir, "a.pcap");
  const fileB = join(dir, "b.pcap");
  if (!existsSync(fileA) || !existsSync(fileB)) {
    // Generated in a child process so its memory does not count here.
    execFileSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--make", dir, String(packets)], { stdio: "inherit" });
  }
  const baseline = process.memoryUsage().rss;
  let t0 = performance.now();
  const [a, b] = [await load(fileA), await load(fileB)];
  const readSeconds = (performance.now() - t0) / 1000;
  const afterRead = process.resourceUsage().maxRSS * 1024;
  // Resident once both tables are built (the read's transient buffers gone): what the diff's own memory adds to.
  const loaded = process.memoryUsage().rss;
  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = diffCaptures(a, b);
  const diffSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const diffCpu = (cpu.user + cpu.system) / 1e6;
  const peak = process.resourceUsage().maxRSS * 1024;
  const total = a.count + b.count;
  const lost = result.events.filter((e) => e.kind === "lost").length;
  const paired = result.sessions.filter((s) => s.sides.length === 2).length;
  console.log(`diff: A ${a.count} packets, B ${b.count} packets, ${paired} sessions paired, ${lost} lost, clock ${result.clock.offsetSeconds.toFixed(6)} s ${result.clock.skewPpm.toFixed(2)} ppm`);
  console.log(
    `diff: read+decode both ${readSeconds.toFixed(2)} s; diff ${diffSeconds.toFixed(2)} s wall, ${diffCpu.toFixed(2)} s CPU (target < 3 s; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
  );
  console.log(
    `diff: peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB = ${((peak - baseline) / total).toFixed(0)} bytes/packet over the start (after reading: ${((afterRead - baseline) / total).toFixed(0)}; target < 200)`,
  );
  console.log(`diff: of which the diff itself (peak RSS over RSS with both tables loaded): ${((peak - loaded) / total).toFixed(0)} bytes/packet`);
}

const args = process.argv.slice(2);
if (args[0] === "--make") makePair(args[1], Number(args[2] ?? 1_000_000));
else await benchDiff(process.env.DIFF_BENCH_DIR, process.env.DIFF_BENCH_PACKETS ? Number(process.env.DIFF_BENCH_PACKETS) : undefined);
