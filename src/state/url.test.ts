import { describe, expect, it } from "vitest";
import { decodeUrlState, defaultUrlState, encodeUrlState, type UrlState } from "./url";

describe("URL state", () => {
  it("round-trips", () => {
    const s: UrlState = { page: "session", session: 3, row: 1200, sort: { column: "lostC2S", descending: false }, filter: "10.1.1.7:8080 & more" };
    expect(encodeUrlState(s)).toBe("#v=1&page=session&s=3&row=1200&sort=lostC2S.asc&q=10.1.1.7%3A8080+%26+more");
    expect(decodeUrlState(encodeUrlState(s))).toEqual(s);
    expect(decodeUrlState(encodeUrlState(defaultUrlState))).toEqual(defaultUrlState);
  });
  it("falls back to the defaults on other versions and bad values", () => {
    expect(decodeUrlState("#v=2&page=session&s=3")).toEqual(defaultUrlState);
    expect(decodeUrlState("")).toEqual(defaultUrlState);
    const bad = decodeUrlState("#v=1&page=admin&s=-1&row=x&sort=__proto__.desc");
    expect(bad).toEqual(defaultUrlState);
    expect(decodeUrlState("#v=1&page=session&sort=id.asc").page).toBe("captures");
  });
});
