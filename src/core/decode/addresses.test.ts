import { describe, expect, it } from "vitest";
import { ipv6Address } from "../testing/packets";
import { AddressInterner, formatIpv6 } from "./addresses";

const text = (address: string) => formatIpv6(Uint8Array.from(ipv6Address(address)), 0);

describe("addresses", () => {
  it("formats IPv6 as RFC 5952 (and Wireshark) do", () => {
    expect(text("2001:0db8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(text("0:0:0:0:0:0:0:1")).toBe("::1");
    expect(text("0:0:0:0:0:0:0:0")).toBe("::");
    expect(text("2001:db8:0:1:1:1:1:1")).toBe("2001:db8:0:1:1:1:1:1");
    expect(text("2001:0:0:1:0:0:0:1")).toBe("2001:0:0:1::1");
    expect(text("2001:db8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
    expect(text("fe80:0:0:0:0:0:0:1")).toBe("fe80::1");
    expect(formatIpv6(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]), 0)).toBe("::ffff:192.0.2.1");
  });

  it("interns each address once and keeps id 0 for none", () => {
    const a = new AddressInterner();
    const v4 = Uint8Array.from([10, 0, 0, 1, 10, 0, 0, 2, 10, 0, 0, 1]);
    const v6 = Uint8Array.from([...ipv6Address("2001:db8::1"), ...ipv6Address("2001:db8::2"), ...ipv6Address("2001:db8::1")]);
    expect([a.v4At(v4, 0), a.v4At(v4, 4), a.v4At(v4, 8)]).toEqual([1, 2, 1]);
    expect([a.v6At(v6, 0), a.v6At(v6, 16), a.v6At(v6, 32)]).toEqual([3, 4, 3]);
    expect(a.table).toEqual({ text: ["", "10.0.0.1", "10.0.0.2", "2001:db8::1", "2001:db8::2"], family: [0, 4, 4, 6, 6] });
  });

  it("interns an IPv6 address whose id comes after hundreds of IPv4 ones", () => {
    const a = new AddressInterner();
    for (let i = 1; i <= 300; i++) a.v4At(Uint8Array.from([10, 0, i >> 8, i & 255]), 0);
    const v6 = Uint8Array.from([...ipv6Address("2001:db8::1"), ...ipv6Address("2001:db8::2")]);
    expect([a.v6At(v6, 0), a.v6At(v6, 16), a.v6At(v6, 0)]).toEqual([301, 302, 301]);
    expect(a.table.text.slice(300)).toEqual(["10.0.1.44", "2001:db8::1", "2001:db8::2"]);
  });
});
