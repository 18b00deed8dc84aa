// The bare container read loop (openCapture with a sink that only counts) against `capinfos -c`
// on the same files: packets/s and MB/s of each.
// Usage: tsx bench/read-loop.ts FILE...            (times each file, one run each)
//        tsx bench/read-loop.ts --make OUT.pcap N  (writes N frames of 60-140 bytes, for a 1M-packet run)
import { spawnSync } from "node:child_process";
import { closeSync, openSync, statSync, writeSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { openFileSource } from "../src/cli/node-source";
import { openCapture } from "../src/core/formats/index";
import { writePcap } from "../src/core/formats/pcap-writer";

async function timeParallax(path: string) {
  const source = await openFileSource(path);
  let packets = 0;
  let bytes = 0;
  const start = performance.now();
  const summary = await openCapture(source, {
    addInterface: () => {},
    record: (rec) => {
      packets++;
      bytes += rec.capturedLength;
    },
    error: () => {},
  });
  const seconds = (performance.now() - start) / 1000;
  await source.close();
  return { packets, seconds, errors: summary.errors.length, bytes };
}

/** `capinfos FILE` (every info, as the issue measures it) or with `-c` (count only). */
function timeCapinfos(path: string, countOnly: boolean) {
  const start = performance.now();
  // capinfos exits non-zero on a damaged file but still prints what it counted.
  const out = spawnSync("capinfos", [...(countOnly ? ["-c"] : []), "-M", "-T", "-r", path], { encoding: "utf8" }).stdout;
  return { packets: Number(out.trim().split("\t")[countOnly ? 1 : 7]), seconds: (performance.now() - start) / 1000 };
}

function makePcap(path: string, count: number) {
  const fd = openSync(path, "w");
  const batch = 10_000;
  for (let first = 0; first < count; first += batch) {
    const packets = Array.from({ length: Math.min(batch, count - first) }, (_, k) => {
      const i = first + k;
      const data = new Uint8Array(60 + (i % 5) * 20);
      data.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00, 0x45], 0);
      data[23] = 17;
      return { tsSec: 1_700_000_000 + Math.floor(i / 1000), tsNsec: (i % 1000) * 1_000_000, data };
    });
    const pcap = writePcap(packets, { linkType: 1 });
    writeSync(fd, first === 0 ? pcap : pcap.subarray(24));
  }
  closeSync(fd);
}

const args = process.argv.slice(2);
if (args[0] === "--make") {
  makePcap(args[1], Number(args[2] ?? 1_000_000));
} else {
  for (const path of args) {
    const mb = statSync(path).size / 1e6;
    const ours = await timeParallax(path);
    const all = timeCapinfos(path, false);
    const count = timeCapinfos(path, true);
    const line = (who: string, packets: number, s: number) =>
      `  ${who.padEnd(12)} ${packets} packets in ${s.toFixed(3)} s: ${Math.round(packets / s).toLocaleString("en")} packets/s, ${(mb / s).toFixed(1)} MB/s`;
    console.log(`${path} (${mb.toFixed(1)} MB)`);
    console.log(line("parallax", ours.packets, ours.seconds));
    console.log(line("capinfos", all.packets, all.seconds), `(${(all.seconds / ours.seconds).toFixed(1)}x parallax's time)`);
    console.log(line("capinfos -c", count.packets, count.seconds), `(${(count.seconds / ours.seconds).toFixed(1)}x parallax's time)`);
  }
}
