// IdentityMap against a JavaScript Map on the same operations, across clear() and regrowth:
// the matcher reuses one map for thousands of session directions of every size.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ABSENT, IdentityMap } from "./identity";

/** 52-bit keys, as identities are; a few repeat so that sets overwrite. */
const key = fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 2 ** 52 - 1 }));
const round = fc.array(fc.tuple(key, fc.nat({ max: 1e6 })), { maxLength: 300 });

describe("IdentityMap", () => {
  it("answers as a Map would, round after round of clear() with larger and smaller sizes", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 400 }), round), { minLength: 1, maxLength: 6 }), (rounds) => {
        const map = new IdentityMap(0);
        let previous = new Map<number, number>();
        for (const [expected, entries] of rounds) {
          map.clear(expected);
          const model = new Map<number, number>();
          for (const [k, v] of entries) {
            map.set(k, v);
            model.set(k, v);
          }
          expect(map.size).toBe(model.size);
          for (const [k, v] of model) expect(map.get(k)).toBe(v);
          // Nothing of the round before survives the clear.
          for (const k of previous.keys()) if (!model.has(k)) expect(map.get(k)).toBe(ABSENT);
          previous = model;
        }
      }),
    );
  });

  it("grows past the size it was cleared to while its array is larger than that", () => {
    const map = new IdentityMap(5000);
    map.clear(1);
    for (let k = 0; k < 3000; k++) map.set(k * 7919 + 2 ** 40, k);
    expect(map.size).toBe(3000);
    for (let k = 0; k < 3000; k++) expect(map.get(k * 7919 + 2 ** 40)).toBe(k);
    expect(map.get(2 ** 40 + 1)).toBe(ABSENT);
  });
});
