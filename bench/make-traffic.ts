// Writes a large classic pcap of mixed TCP/UDP traffic for bench/ingest.ts: 64 concurrent
// Linux-style TCP transfers (1448-byte segments with timestamps, an ACK every two segments)
// and DNS-like UDP exchanges (~10% of packets), with correct IP/TCP/UDP checksums.
// Usage: tsx bench/make-traffic.ts OUT.pcap [megabytes=1024]

import { closeSync, openSync, writeSync } from "node:fs";

const FLOWS = 64;
const MSS = 1448;

interface Flow {
  client: number;
  server: number;
  clientPort: number;
  seq: number;
  ack: number;
  ipId: number;
  tsVal: number;
  unacked: number;
}

function ones(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function sum16(b: Uint8Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i + 1 < end; i += 2) s += (b[i] << 8) | b[i + 1];
  if ((end - start) & 1) s += b[end - 1] << 8;
  return s;
}

/** Writes Ethernet + IPv4 (+ checksums) around an L4 segment already at out[at+34..). Returns the frame length. */
function frame(out: Uint8Array, dv: DataView, at: number, src: number, dst: number, protocol: number, l4Length: number, ipId: number): number {
  out.set([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00], at);
  const ip = at + 14;
  out[ip] = 0x45;
  out[ip + 1] = 0;
  dv.setUint16(ip + 2, 20 + l4Length);
  dv.setUint16(ip + 4, ipId & 0xffff);
  dv.setUint16(ip + 6, 0x4000);
  out[ip + 8] = 64;
  out[ip + 9] = protocol;
  dv.setUint16(ip + 10, 0);
  dv.setUint32(ip + 12, src);
  dv.setUint32(ip + 16, dst);
  dv.setUint16(ip + 10, ~ones(sum16(out, ip, ip + 20)) & 0xffff);
  const l4 = ip + 20;
  const checksumAt = l4 + (protocol === 6 ? 16 : 6);
  dv.setUint16(checksumAt, 0);
  const pseudo = sum16(out, ip + 12, ip + 20) + protocol + l4Length;
  const checksum = ~ones(pseudo + sum16(out, l4, l4 + l4Length)) & 0xffff;
  dv.setUint16(checksumAt, checksum === 0 && protocol === 17 ? 0xffff : checksum);
  return 34 + l4Length;
}

function tcp(out: Uint8Array, dv: DataView, at: number, sp: number, dp: number, seq: number, ack: number, flags: number, tsVal: number, tsEcr: number): void {
  const t = at + 34;
  dv.setUint16(t, sp);
  dv.setUint16(t + 2, dp);
  dv.setUint32(t + 4, seq >>> 0);
  dv.setUint32(t + 8, ack >>> 0);
  out[t + 12] = 8 << 4;
  out[t + 13] = flags;
  dv.setUint16(t + 14, 501);
  dv.setUint16(t + 18, 0);
  out.set([1, 1, 8, 10], t + 20);
  dv.setUint32(t + 24, tsVal >>> 0);
  dv.setUint32(t + 28, tsEcr >>> 0);
}

export function makeTraffic(path: string, megabytes: number): number {
  const target = megabytes * 1024 * 1024;
  const random = new Uint8Array(1 << 16).map(() => (Math.random() * 256) | 0);
  const flows: Flow[] = Array.from({ length: FLOWS }, (_, i) => ({
    client: (10 << 24) | (1 << 16) | (i + 2),
    server: (172 << 24) | (16 << 16) | (5 << 8) | 148,
    clientPort: 40000 + i,
    seq: (Math.random() * 2 ** 32) >>> 0,
    ack: (Math.random() * 2 ** 32) >>> 0,
    ipId: i * 1000,
    tsVal: 1_000_000 + i,
    unacked: 0,
  }));
  const batch = new Uint8Array(8 << 20);
  const dv = new DataView(batch.buffer);
  const fd = openSync(path, "w");
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, 0xa1b2c3d4, true);
  header.setUint16(4, 2, true);
  header.setUint16(6, 4, true);
  header.setUint32(16, 262144, true);
  header.setUint32(20, 1, true);
  writeSync(fd, new Uint8Array(header.buffer));
  let written = 24;
  let fill = 0;
  let packets = 0;
  let usec = 0;
  let sec = 1_700_000_000;
  const emit = (build: (at: number) => number) => {
    if (fill + 16 + 1600 > batch.length) {
      writeSync(fd, batch, 0, fill);
      written += fill;
      fill = 0;
    }
    const length = build(fill + 16);
    usec += 7;
    if (usec >= 1_000_000) {
      usec -= 1_000_000;
      sec++;
    }
    dv.setUint32(fill, sec, true);
    dv.setUint32(fill + 4, usec, true);
    dv.setUint32(fill + 8, length, true);
    dv.setUint32(fill + 12, length, true);
    fill += 16 + length;
    packets++;
  };
  while (written + fill < target) {
    const f = flows[packets % FLOWS];
    if (packets % 10 === 9) {
      const query = 40 + (packets % 60);
      emit((at) => {
        const u = at + 34;
        dv.setUint16(u, 50000 + (packets % 1000));
        dv.setUint16(u + 2, 53);
        dv.setUint16(u + 4, 8 + query);
        batch.set(random.subarray(packets % 60000, (packets % 60000) + query), u + 8);
        return frame(batch, dv, at, f.client, f.server, 17, 8 + query, f.ipId++);
      });
    } else if (f.unacked >= 2) {
      emit((at) => {
        tcp(batch, dv, at, f.clientPort, 445, f.ack, f.seq, 0x10, f.tsVal, f.tsVal - 5);
        return frame(batch, dv, at, f.client, f.server, 6, 32, f.ipId++);
      });
      f.unacked = 0;
    } else {
      emit((at) => {
        tcp(batch, dv, at, 445, f.clientPort, f.seq, f.ack, 0x18, f.tsVal + 3, f.tsVal);
        const from = (f.seq & 0x7fff) >>> 0;
        batch.set(random.subarray(from, from + MSS), at + 34 + 32);
        return frame(batch, dv, at, f.server, f.client, 6, 32 + MSS, f.ipId++);
      });
      f.seq = (f.seq + MSS) >>> 0;
      f.tsVal++;
      f.unacked++;
    }
  }
  writeSync(fd, batch, 0, fill);
  closeSync(fd);
  return packets;
}

if (process.argv[1]?.endsWith("make-traffic.ts")) {
  const out = process.argv[2] ?? "/tmp/parallax-bench-1g.pcap";
  const packets = makeTraffic(out, Number(process.argv[3] ?? 1024));
  console.log(`${out}: ${packets} packets`);
}
