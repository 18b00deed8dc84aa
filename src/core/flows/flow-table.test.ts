// Flow table on crafted frames read back through the real pcap reader and decoder.

import { describe, expect, it } from "vitest";
import { writePcap } from "../formats/pcap-writer";
import { memorySource } from "../formats/memory-source";
import { readPacketTable } from "../model/packet-table-builder";
import { TcpFlag } from "../model/packet-table";
import { ethernetFrame, ipPacket, payloadBytes, type L4 } from "../testing/craft";
import { buildFlowTable, endpointText, isGroupAddress, NO_FLOW } from "./flow-table";

const { SYN, ACK, FIN, PSH } = TcpFlag;

async function tableOf(packets: [string, string, L4][]) {
  const frames = packets.map(([src, dst, l4], i) => ({ tsSec: 1_700_000_000, tsNsec: i * 1000, data: ethernetFrame(ipPacket({ src, dst }, l4)) }));
  return readPacketTable(memorySource(writePcap(frames, { linkType: 1, nanoseconds: true }), "flows.pcap"));
}

const tcp = (srcPort: number, dstPort: number, seq: number, flags: number, ack = 0): L4 => ({ tcp: { srcPort, dstPort, seq, ack, flags } });

describe("buildFlowTable", () => {
  it("splits a reused TCP 4-tuple into two connections and keeps a SYN seen after its SYN-ACK in one", async () => {
    const t = await tableOf([
      ["10.0.0.1", "10.0.0.2", tcp(40000, 80, 100, SYN)],
      ["10.0.0.2", "10.0.0.1", tcp(80, 40000, 900, SYN | ACK, 101)],
      ["10.0.0.1", "10.0.0.2", tcp(40000, 80, 101, FIN | ACK, 901)],
      // Same ports, new ISN: a new connection.
      ["10.0.0.1", "10.0.0.2", tcp(40000, 80, 5000, SYN)],
      ["10.0.0.2", "10.0.0.1", tcp(80, 40000, 7000, SYN | ACK, 5001)],
      // Retransmitted SYN with the same ISN: same connection.
      ["10.0.0.1", "10.0.0.2", tcp(40000, 80, 5000, SYN)],
      // The SYN-ACK stamped before its SYN (capture timestamp order): still one connection.
      ["10.0.0.4", "10.0.0.3", tcp(443, 50000, 1, SYN | ACK, 11)],
      ["10.0.0.3", "10.0.0.4", tcp(50000, 443, 10, SYN)],
    ]);
    const ft = buildFlowTable(t);
    expect(ft.flows).toHaveLength(3);
    expect(Array.from(ft.flowOfRow)).toEqual([0, 0, 0, 1, 1, 1, 2, 2]);
    expect(Array.from(ft.directionOfRow)).toEqual([0, 1, 0, 0, 1, 0, 1, 0]);
    expect(ft.flows.at(1).isn).toEqual([5000, 7000]);
    expect(ft.flows.at(2).clientBy).toBe("syn-ack");
    expect(endpointText(t, ft.flows.at(2), "client")).toBe("10.0.0.3:50000");
    expect(Array.from(ft.flowRows.subarray(ft.flowRowStart[1], ft.flowRowStart[2]))).toEqual([3, 4, 5]);
  });

  it("chooses the client by well-known port, echo request or first packet, and groups ICMP echoes by identifier", async () => {
    const t = await tableOf([
      // Capture starts mid-connection, with the server's packet: the port below 1024 is the service.
      ["192.0.2.80", "198.51.100.9", tcp(443, 51515, 77, PSH | ACK, 5)],
      ["2001:db8::1", "2001:db8::53", { udp: { srcPort: 53000, dstPort: 53, payload: payloadBytes(30, 1) } }],
      ["2001:db8::53", "2001:db8::1", { udp: { srcPort: 53, dstPort: 53000, payload: payloadBytes(60, 2) } }],
      ["10.1.1.1", "10.1.1.2", { icmp: { reply: false, id: 7, seq: 1 } }],
      ["10.1.1.2", "10.1.1.1", { icmp: { reply: true, id: 7, seq: 1 } }],
      ["10.1.1.1", "10.1.1.2", { icmp: { reply: false, id: 8, seq: 1 } }],
      ["10.9.9.9", "239.255.255.250", { udp: { srcPort: 50000, dstPort: 1900, payload: payloadBytes(20, 3) } }],
    ]);
    const ft = buildFlowTable(t);
    const [web, dns, echo7, echo8, ssdp] = [0, 1, 2, 3, 4].map((f) => ft.flows.at(f));
    expect(web.clientBy).toBe("well-known port");
    expect(endpointText(t, web, "client")).toBe("198.51.100.9:51515");
    expect(ft.directionOfRow[0]).toBe(1);
    expect(endpointText(t, dns, "client")).toBe("[2001:db8::1]:53000");
    expect(endpointText(t, dns, "server")).toBe("[2001:db8::53]:53");
    expect(dns.packets).toEqual([1, 1]);
    expect(echo7.kind).toBe("icmp");
    expect(echo7.icmpId).toBe(7);
    expect(echo7.packets).toEqual([1, 1]);
    expect(endpointText(t, echo7, "client")).toBe("10.1.1.1");
    expect(echo8.icmpId).toBe(8);
    expect(ssdp.toGroup).toBe(true);
    expect(web.toGroup).toBe(false);
    expect(Array.from(ft.flowOfRow).includes(NO_FLOW)).toBe(false);
  });

  it("knows multicast and broadcast addresses", () => {
    expect(["224.0.0.251", "239.255.255.250", "255.255.255.255", "10.0.0.255", "ff02::1:3"].map(isGroupAddress)).toEqual([true, true, true, true, true]);
    expect(["10.0.0.1", "2001:db8::ff", "192.0.2.254"].map(isGroupAddress)).toEqual([false, false, false]);
  });
});
