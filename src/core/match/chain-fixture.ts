// A crafted four-point path (client, firewall inside, firewall outside, server) for the chain
// tests, and N crafted captures read back through the real pcap reader and decoder.

import { memorySource } from "../formats/memory-source";
import { readPacketTable } from "../model/packet-table-builder";
import { TcpFlag } from "../model/packet-table";
import type { PacketTable } from "../model/packet-table";
import { payloadBytes } from "../testing/craft";
import { CaptureChainBuilder, type ChainPacket } from "../testing/chain-craft";

const { SYN, ACK, PSH } = TcpFlag;
export const FOUR_POINTS = ["client", "fw-inside", "fw-outside", "server"];

/**
 * One TCP session through a NAT firewall between captures 1 and 2 (0-based). The firewall rewrites
 * the payload of data segment `changed` (seen changed from capture 2 on), and `dropped` is lost
 * between capture 2 and capture 3, then retransmitted.
 */
export function fourPointChain() {
  const chain = new CaptureChainBuilder(4, { offsets: [0, 0.3, -1.2, 2], delay: 0.004 });
  const inside = { client: { addr: "192.168.1.66", port: 46739 }, server: { addr: "10.1.1.7", port: 8080 } };
  const outside = { client: { addr: "203.0.113.9", port: 61001 }, server: { addr: "10.1.1.7", port: 8080 } };
  const s = chain.session([inside, inside, outside, outside]);
  const sent: ChainPacket[] = [];
  sent.push(s.c2s(0, { seq: 100, flags: SYN, mss: 1460 }));
  sent.push(s.s2c(0.02, { seq: 900, ack: 101, flags: SYN | ACK, mss: 1460 }));
  sent.push(s.c2s(0.04, { seq: 101, ack: 901, flags: ACK }));
  let seq = 101;
  const data: ChainPacket[] = [];
  for (let k = 0; k < 6; k++) {
    const payload = payloadBytes(300, 10 + k);
    const path = k === 1 ? { change: { from: 2, payload: payloadBytes(300, 99) } } : k === 3 ? { lastPoint: 2 } : {};
    data.push(s.c2s(0.1 + k * 0.05, { seq, ack: 901, flags: PSH | ACK, payload }, path));
    seq += 300;
    sent.push(data[k]);
    sent.push(s.s2c(0.12 + k * 0.05, { seq: 901, ack: k === 3 ? seq - 300 : seq, flags: ACK }));
  }
  const retransmission = s.c2s(0.5, { seq: 101 + 900, ack: 901, flags: PSH | ACK, payload: payloadBytes(300, 13) });
  sent.push(retransmission, s.s2c(0.52, { seq: 901, ack: seq, flags: ACK }));
  return { chain, sent, changed: data[1], dropped: data[3], retransmission };
}

/** The chain's captures as PacketTables, named `${names[k]}.pcap`. */
export function chainTables(chain: CaptureChainBuilder, names: string[]): Promise<PacketTable[]> {
  return Promise.all(chain.files().map((bytes, k) => readPacketTable(memorySource(bytes, `${names[k]}.pcap`))));
}
