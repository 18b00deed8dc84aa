// Throughput of the NetMon and ETL readers on large generated files (run: npx tsx bench/windows-formats.ts).
// ETL: 8 per-CPU streams of NDIS packet events in 1 MiB buffers, interleaved in time (the reader sorts).
import { buildBuffer, eventRecord, join, le, logFileRecord, type LogFileSpec } from "../fixtures/windows/etl-builder";
import { buildNetmon, type NetmonFrame } from "../fixtures/windows/netmon-builder";
import { ethernet, udp4 } from "../fixtures/windows/packets";
import { etlReader } from "../src/core/formats/etl";
import { memorySource } from "../src/core/formats/memory-source";
import { netmonReader } from "../src/core/formats/netmon";
import type { FormatReader } from "../src/core/formats/types";

const NDIS = "{2ED6006E-4729-4609-B423-3EE7BCD678EF}";
const frame = (i: number) => ethernet("00:15:5d:00:00:01", "00:15:5d:00:00:02", 0x0800, udp4("10.0.0.1", "10.0.0.2", 1000 + (i % 50000), 9, new Uint8Array(40 + (i % 160)), i & 0xffff));

function bigEtl(packets: number): Uint8Array {
  const bufferSize = 1 << 20;
  const start = 133500000000000000n;
  const log: LogFileSpec = { pointerSize: 8, clockType: 1, perfFreq: 10_000_000n, cpuMhz: 3000, startFiletime: start, startTicks: 0n, endFiletime: start, processors: 8, buffersWritten: 0, bufferSize, loggerName: "bench" };
  const buffers: Uint8Array[] = [buildBuffer(bufferSize, { processor: 0, type: 4, records: [logFileRecord(log)] })];
  const perCpu: Uint8Array[][] = Array.from({ length: 8 }, () => []);
  const used = new Array(8).fill(0x48);
  for (let i = 0; i < packets; i++) {
    const cpu = i % 8;
    const f = frame(i);
    const rec = eventRecord({ provider: NDIS, id: 1001, keyword: 0x2c0000001n, ticks: BigInt(i * 10), threadId: cpu, payload: join(le.u32(7), le.u32(7), le.u32(f.length), f) });
    const aligned = (rec.length + 7) & ~7;
    if (used[cpu] + aligned > bufferSize) {
      buffers.push(buildBuffer(bufferSize, { processor: cpu, records: perCpu[cpu] }));
      perCpu[cpu] = [];
      used[cpu] = 0x48;
    }
    perCpu[cpu].push(rec);
    used[cpu] += aligned;
  }
  perCpu.forEach((records, cpu) => records.length && buffers.push(buildBuffer(bufferSize, { processor: cpu, records })));
  return join(...buffers);
}

function bigNetmon(frames: number): Uint8Array {
  const list: NetmonFrame[] = [];
  for (let i = 0; i < frames; i++) list.push({ deltaUs: BigInt(i * 10), media: 1, utcFiletime: 133500000000000000n + BigInt(i * 100), data: frame(i) });
  return buildNetmon({ minor: 3, media: 1, start: { year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0 }, frames: list });
}

async function measure(label: string, reader: FormatReader, bytes: Uint8Array) {
  let packets = 0;
  const t0 = performance.now();
  await reader.read(memorySource(bytes, label), { addInterface() {}, record: () => void packets++, error: (e) => console.error(e) }, {});
  const s = (performance.now() - t0) / 1000;
  console.log(`${label}: ${packets} packets, ${(bytes.length / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s = ${Math.round(packets / s)} packets/s, ${(bytes.length / 1e6 / s).toFixed(0)} MB/s`);
}

const etl = bigEtl(400_000);
await measure("ETL (NDIS, 8 CPUs)", etlReader, etl);
const cap = bigNetmon(400_000);
await measure("NetMon 2.3", netmonReader, cap);
