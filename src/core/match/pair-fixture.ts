// Turns a crafted capture pair into PacketTables through the real pcap writer, reader and
// decoder, so matcher tests run on bytes exactly as a user's files would give them.

import { writePcap } from "../formats/pcap-writer";
import { memorySource } from "../formats/memory-source";
import { readPacketTable } from "../model/packet-table-builder";
import type { PacketTable } from "../model/packet-table";
import type { CapturePairBuilder } from "../testing/craft";

const LINKTYPE_ETHERNET = 1;

export function pairFiles(pair: CapturePairBuilder): [Uint8Array, Uint8Array] {
  return [0, 1].map((c) => writePcap(pair.packets(c as 0 | 1), { linkType: LINKTYPE_ETHERNET, nanoseconds: true })) as [Uint8Array, Uint8Array];
}

export async function pairTables(pair: CapturePairBuilder, names: [string, string] = ["a.pcap", "b.pcap"]): Promise<[PacketTable, PacketTable]> {
  const [a, b] = pairFiles(pair);
  return [await readPacketTable(memorySource(a, names[0])), await readPacketTable(memorySource(b, names[1]))];
}
