// The dissection tree against tshark: every occurrence of the fields the goldens hold
// (addresses, TTL, lengths, ports, sequence numbers, flags, ICMP fields, VLAN ids, MPLS
// labels) appears in our tree with the same value, in the same order, on every frame of the
// crafted fixtures and of the real captures; and byte ranges stay inside the frame.

import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeFixtures, fixtureDir } from "../../../fixtures/decode/generate";
import { memorySource } from "../formats/memory-source";
import { openCapture } from "../formats/index";
import type { CaptureInterfaceInfo } from "../formats/types";
import { haveSharedCaptures, sharedCaptures } from "../../testing/shared-captures";
import { filesEnding, hasInnerGolden, packetsOnly, readGolden, tableOf, tsharkGoldenDir, type GoldenRow } from "../../testing/tshark-golden";
import { dissectFrame, dissectPacket, type FieldNode } from "./dissect";

/** Golden fields compared, and how tshark prints them (hex for some). */
const FIELDS = [
  "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "ip.proto", "ip.id", "ip.ttl", "ipv6.hlim", "ip.len", "ipv6.plen", "ip.dsfield",
  "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "tcp.window_size_value",
  "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr",
  "udp.srcport", "udp.dstport", "udp.length", "icmp.type", "icmp.code", "icmp.ident", "icmp.seq",
  "icmpv6.type", "icmpv6.code", "icmpv6.echo.identifier", "icmpv6.echo.sequence_number", "vlan.id", "mpls.label",
];

async function framesOf(path: string): Promise<{ data: Uint8Array; linkType: number }[]> {
  const interfaces: CaptureInterfaceInfo[] = [];
  const frames: { data: Uint8Array; linkType: number }[] = [];
  await openCapture(memorySource(new Uint8Array(readFileSync(path)), path), {
    addInterface: (id, info) => (interfaces[id] = info),
    record: (rec) => frames.push({ data: rec.data.slice(), linkType: interfaces[rec.interfaceId].linkType }),
    error: () => undefined,
  });
  return frames;
}

function collect(nodes: FieldNode[], out: Map<string, string[]>, frameLength: number, problems: string[]): void {
  for (const n of nodes) {
    if (n.offset < 0 || n.offset + n.length > frameLength) problems.push(`${n.name} @${n.offset}+${n.length} outside ${frameLength} bytes`);
    if (n.value !== undefined && FIELDS.includes(n.name)) out.set(n.name, [...(out.get(n.name) ?? []), String(n.value)]);
    if (n.children) collect(n.children, out, frameLength, problems);
  }
}

/** tshark prints some of these as hex ("0x0018"): compare numbers as numbers. */
function normalise(value: string): string {
  return /^0x[0-9a-f]+$/i.test(value) ? String(Number(value)) : value;
}

function compareFrame(frame: { data: Uint8Array; linkType: number }, g: GoldenRow, label: string): string[] {
  const ours = new Map<string, string[]>();
  const problems: string[] = [];
  collect(dissectPacket(frame.data, frame.linkType), ours, frame.data.length, problems);
  for (const name of FIELDS) {
    const theirs = g[name] === "" ? [] : g[name].split(",").map(normalise);
    let mine = ours.get(name) ?? [];
    // A TSO super-segment's IPv4 length is 0 on the wire; tshark shows the length it presumes.
    if (name === "ip.len") mine = mine.map((v, k) => (v === "0" && theirs[k] !== undefined ? theirs[k] : v));
    if (mine.join(",") !== theirs.join(",")) problems.push(`${label} ${name}: ours [${mine}], tshark [${theirs}]`);
  }
  return problems;
}

describe("dissection fields agree with tshark on the crafted fixtures", () => {
  for (const f of decodeFixtures()) {
    it(f.name, async () => {
      const frames = await framesOf(join(fixtureDir, `${f.name}.pcap`));
      const rows = readGolden(join(__dirname, "../../../fixtures/expected/decode", `${f.name}.pcap.tsv`));
      const problems = rows.flatMap((g, i) => (f.frames[i].broken ? [] : compareFrame(frames[i], g, `frame ${i + 1}`)));
      expect(problems).toEqual([]);
    });
  }
});

describe.skipIf(!haveSharedCaptures)("dissection fields agree with tshark on the real captures", () => {
  for (const golden of haveSharedCaptures ? filesEnding(tsharkGoldenDir, ".tsv").filter((g) => !g.endsWith(".inner.tsv") && !hasInnerGolden(g)) : []) {
    const capture = relative(tsharkGoldenDir, golden).replace(/\.tsv$/, "");
    it(capture, async () => {
      const frames = await framesOf(join(sharedCaptures, capture));
      const rows = packetsOnly(readGolden(golden));
      const problems = rows.flatMap((g, i) => compareFrame(frames[i], g, `frame ${i + 1}`));
      expect(problems.slice(0, 10)).toEqual([]);
    });
  }
});

it("an unknown link type is all data, and an empty frame dissects to nothing", () => {
  expect(dissectPacket(new Uint8Array([1, 2, 3]), 9999)).toEqual([
    { name: "data", label: "Data (3 bytes)", offset: 0, length: 3, children: [{ name: "data.len", label: "Length: 3", value: 3, offset: 0, length: 3 }] },
  ]);
  expect(dissectPacket(new Uint8Array(0), 9999)).toEqual([]);
});

it("dissectFrame puts the row's frame facts (number, lengths, link type, tunnel) above the layers", async () => {
  const path = join(fixtureDir, "tunnel-gre.pcap");
  const table = await tableOf(path);
  const frames = await framesOf(path);
  const [frame, ...layers] = dissectFrame(table, 3, frames[3].data);
  const facts = Object.fromEntries(frame.children!.map((n) => [n.name, n.label]));
  expect(facts["frame.number"]).toBe("Frame Number: 4");
  expect(facts["frame.len"]).toBe(`Frame Length: ${frames[3].data.length} bytes`);
  expect(facts["frame.encap_type"]).toBe("Link type: EN10MB");
  expect(facts["frame.tunnel"]).toBe("Tunnel: VXLAN VNI 7, 2001:db8:1::66 → 2001:db8:2::7");
  expect(layers.map((l) => l.name)).toEqual(["eth", "ipv6", "udp", "vxlan", "eth", "ip", "icmp", "data"]);
});
