// Decoding and dissecting never throw, whatever the bytes: crafted frames of every fixture
// with random bytes changed and random cuts, and plain random bytes under every link type.
// Each frame sits at the very end of its own ArrayBuffer, so a read past it would throw.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFixtures } from "../../../fixtures/decode/generate";
import { PacketTableBuilder } from "../model/packet-table-builder";
import { dissectPacket } from "./dissect";

const seeds = decodeFixtures().flatMap((f) => f.frames.map((frame) => ({ linkType: f.linkType, data: frame.data })));
const LINK_TYPES = [0, 1, 9, 12, 14, 50, 101, 108, 113, 228, 229, 239, 276];

function decodeAll(frames: { linkType: number; data: Uint8Array }[]): number {
  const builder = new PacketTableBuilder();
  LINK_TYPES.forEach((linkType, id) => builder.addInterface(id, { linkType, fcsLength: 0, snaplen: 65535, tsResolution: "us", tsDigits: 6 }));
  frames.forEach(({ linkType, data }, i) => {
    builder.record({ interfaceId: LINK_TYPES.indexOf(linkType), tsSec: i, tsNsec: 0, capturedLength: data.length, originalLength: data.length + (i % 3), data, fileOffset: i });
    dissectPacket(data, linkType);
  });
  return builder.finish({ file: "fuzz", format: "pcap", compression: "none", fileBytes: 0, notes: [] }).count;
}

/** A copy of `bytes` that ends exactly where its ArrayBuffer ends. */
function exact(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

describe("robustness", () => {
  it("mutated and cut crafted frames", () => {
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        (which, flips, cut) => {
          const seed = seeds[which];
          const bytes = seed.data.slice();
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const frames = [{ linkType: seed.linkType, data: exact(bytes) }, { linkType: seed.linkType, data: exact(bytes.subarray(0, cut % (bytes.length + 1))) }];
          expect(decodeAll(frames)).toBe(2);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("random bytes under every link type", () => {
    fc.assert(
      fc.property(fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 200 }), (linkType, data) => {
        expect(decodeAll([{ linkType, data: exact(data) }])).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });
});
