import { describe, expect, it } from "vitest";
import { parseEndpoint, wiresharkFilter } from "./wireshark-filter";

describe("wiresharkFilter", () => {
  it("writes the issue's example for a TCP session", () => {
    expect(wiresharkFilter("tcp", "192.168.1.66:46739", "10.1.1.7:1433")).toBe(
      "ip.addr==192.168.1.66 && tcp.port==46739 && ip.addr==10.1.1.7 && tcp.port==1433",
    );
  });
  it("handles IPv6, UDP and ICMP endpoints", () => {
    expect(wiresharkFilter("udp", "[2001:db8::1]:5353", "[2001:db8::2]:53")).toBe(
      "ipv6.addr==2001:db8::1 && udp.port==5353 && ipv6.addr==2001:db8::2 && udp.port==53",
    );
    expect(wiresharkFilter("icmp", "192.168.1.66", "10.1.1.7")).toBe("ip.addr==192.168.1.66 && ip.addr==10.1.1.7 && icmp");
    expect(wiresharkFilter("icmpv6", "fe80::1", "ff02::1")).toBe("ipv6.addr==fe80::1 && ipv6.addr==ff02::1 && icmpv6");
    expect(parseEndpoint("[::1]")).toEqual({ address: "::1", port: null });
  });
});
