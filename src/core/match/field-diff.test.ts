import { describe, expect, it } from "vitest";
import type { FieldNode } from "../decode/field-tree";
import { compareDissections } from "./field-diff";

// Two copies of an IPv4 header fragment: NAT changed the source and TTL; B also carries an extra option.
const ipA: FieldNode[] = [
  {
    name: "ip",
    label: "Internet Protocol Version 4",
    offset: 0,
    length: 12,
    children: [
      { name: "ip.ttl", label: "Time to Live: 64", value: 64, offset: 0, length: 1 },
      { name: "ip.id", label: "Identification: 0x1234", value: 0x1234, offset: 1, length: 2 },
      { name: "ip.src", label: "Source: 192.168.1.66", value: "192.168.1.66", offset: 3, length: 4 },
    ],
  },
];
const ipB: FieldNode[] = [
  {
    name: "ip",
    label: "Internet Protocol Version 4",
    offset: 0,
    length: 14,
    children: [
      { name: "ip.ttl", label: "Time to Live: 63", value: 63, offset: 0, length: 1 },
      { name: "ip.id", label: "Identification: 0x1234", value: 0x1234, offset: 1, length: 2 },
      { name: "ip.src", label: "Source: 172.16.5.14", value: "172.16.5.14", offset: 3, length: 4 },
      { name: "ip.opt", label: "Option", value: 1, offset: 12, length: 2 },
    ],
  },
];
const bytesA = Uint8Array.of(64, 0x12, 0x34, 192, 168, 1, 66, 0, 0, 0, 0, 0);
const bytesB = Uint8Array.of(63, 0x12, 0x34, 172, 16, 5, 14, 0, 0, 0, 0, 0, 1, 1);

describe("compareDissections", () => {
  it("marks differing leaves and their differing bytes on both sides", () => {
    const [a, b] = compareDissections({ fields: ipA, bytes: bytesA }, { fields: ipB, bytes: bytesB });
    expect(a!.fields.filter((f) => f.changed).map((f) => f.name)).toEqual(["ip.ttl", "ip.src"]);
    expect(b!.fields.filter((f) => f.changed).map((f) => f.name)).toEqual(["ip.ttl", "ip.src", "ip.opt"]);
    expect(a!.changedBytes).toEqual([0, 3, 4, 5, 6]);
    expect(b!.changedBytes).toEqual([0, 3, 4, 5, 6, 12, 13]);
    expect(a!.fields.map((f) => f.depth)).toEqual([0, 1, 1, 1]);
  });

  it("marks nothing when one copy is missing", () => {
    const [a, b] = compareDissections({ fields: ipA, bytes: bytesA }, null);
    expect(b).toBeNull();
    expect(a!.fields.some((f) => f.changed)).toBe(false);
    expect(a!.changedBytes).toEqual([]);
  });
});
