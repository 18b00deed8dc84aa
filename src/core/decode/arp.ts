// ARP (ethertype 0x0806, RFC 826): decoding only marks the row, since the addresses it
// carries are not IP endpoints; the dissection shows every field.

import { L3 } from "../model/packet-table";
import type { Frame } from "./frame";
import { formatIpv6 } from "./addresses";
import { macText, type Dissection } from "./field-tree";

export function decodeArp(f: Frame): void {
  f.c.l3[f.r] = L3.ARP;
}

const OPCODES: Record<number, string> = { 1: "request", 2: "reply" };

function addressText(d: Dissection, at: number, size: number): string {
  if (size === 6) return macText(d.b, at);
  if (size === 4) return Array.from(d.b.subarray(at, at + 4)).join(".");
  if (size === 16) return formatIpv6(d.b, at);
  return Array.from(d.b.subarray(at, at + size), (x) => x.toString(16).padStart(2, "0")).join(":");
}

export function dissectArp(d: Dissection, off: number, end: number): void {
  const n = d.layer("arp", "Address Resolution Protocol", off, 8);
  if (end - off < 8) return d.cut(n, "ARP header", off);
  d.uint(n, "arp.hw.type", "Hardware type", off, 2);
  d.uint(n, "arp.proto.type", "Protocol type", off + 2, 2, (v) => `0x${v.toString(16).padStart(4, "0")}`);
  const hw = d.uint(n, "arp.hw.size", "Hardware size", off + 4, 1);
  const proto = d.uint(n, "arp.proto.size", "Protocol size", off + 5, 1);
  const opcode = d.uint(n, "arp.opcode", "Opcode", off + 6, 2, (v) => OPCODES[v] ?? String(v));
  n.label = `Address Resolution Protocol (${OPCODES[opcode] ?? opcode})`;
  const fields: [string, string, number][] = [
    ["arp.src.hw", "Sender hardware address", hw],
    ["arp.src.proto", "Sender protocol address", proto],
    ["arp.dst.hw", "Target hardware address", hw],
    ["arp.dst.proto", "Target protocol address", proto],
  ];
  let at = off + 8;
  for (const [name, title, size] of fields) {
    if (at + size > end) return d.cut(n, title, at);
    const text = addressText(d, at, size);
    d.field(n, name, `${title}: ${text}`, text, at, size);
    at += size;
  }
  n.length = at - off;
}
