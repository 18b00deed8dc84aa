// Grouping findings for display: kinds with few findings pass through in order, a kind with
// many becomes one line with its count, its sessions, the first few to open and how many more.
import { describe, expect, it } from "vitest";
import type { Finding } from "../match/types";
import { groupFindings } from "./groups";

const loss = (session: number, direction: "client" | "server"): Finding => ({
  severity: "problem",
  code: "loss-between-points",
  title: `1 packet lost ${direction} → …: session ${session}`,
  text: `Sent at the ${direction}-side capture point and never seen at the other.`,
  sessions: [session],
});
const pat = (address: string, sessions: number[]): Finding => ({
  severity: "info",
  code: "address-translation",
  title: `${sessions.length} sessions share ${address}`,
  text: `mappings behind ${address}`,
  sessions,
});
const delay: Finding = { severity: "info", code: "path-delay", title: "Path delay", text: "at least 5 ms", sessions: [] };

describe("groupFindings", () => {
  it("keeps kinds with up to five findings as they are, in order", () => {
    const findings = [loss(1, "client"), loss(1, "server"), pat("203.0.113.1", [1, 2]), delay];
    const groups = groupFindings(findings);
    expect(groups.map((g) => [g.code, g.title, g.text, g.sessions, g.examples, g.more])).toEqual(findings.map((f) => [f.code, f.title, f.text, f.sessions, [], 0]));
  });

  it("makes one line of a kind with more than five findings: count, sessions, first five, how many more", () => {
    const losses = Array.from({ length: 12 }, (_, k) => loss(10 + Math.floor(k / 2), k % 2 ? "server" : "client"));
    const pats = Array.from({ length: 7 }, (_, k) => pat(`203.0.113.${k}`, [100 + 2 * k, 101 + 2 * k]));
    const groups = groupFindings([delay, ...losses, ...pats]);
    expect(groups.map((g) => g.code)).toEqual(["path-delay", "loss-between-points", "address-translation"]);
    const [, lost, shared] = groups;
    expect(lost.title).toBe("Packets lost between the capture points in 12 session directions (6 sessions)");
    expect(lost.severity).toBe("problem");
    // The findings' own texts name a direction each: the kind's explanation stands for them.
    expect(lost.text).toMatch(/^Sent at one capture point and never seen at the other/);
    expect(lost.sessions).toEqual([10, 11, 12, 13, 14, 15]);
    expect(lost.examples).toEqual(losses.slice(0, 5).map((f) => ({ title: f.title, session: f.sessions[0] })));
    expect(lost.more).toBe(7);
    expect(shared.title).toBe("7 server-side addresses each shared by several client-side endpoints (14 sessions)");
    expect(shared.examples).toEqual(pats.slice(0, 5).map((f) => ({ title: f.title, session: null })));
    expect(shared.more).toBe(2);
  });

  it("keeps the common explanation of grouped findings, and lists a kind it has no headline for one by one", () => {
    const same = Array.from({ length: 6 }, (_, k): Finding => ({ ...loss(k, "client"), text: "the same" }));
    expect(groupFindings(same)[0].text).toBe("the same");
    const unknown = Array.from({ length: 8 }, (_, k): Finding => ({ ...delay, code: "something-new", title: `new ${k}` }));
    expect(groupFindings(unknown)).toHaveLength(8);
  });
});
