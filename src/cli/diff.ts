// `parallax diff A B [--offset SECONDS] [--skew PPM] [--json FILE|-] [--packets]`: compares
// two captures of the same traffic (A nearer the client) and prints what happened between.

import { writeFileSync } from "node:fs";
import { readPacketTable } from "../core/model/packet-table-builder";
import { diffCaptures } from "../core/match/diff";
import { diffToJson } from "../core/match/diff-json";
import type { DiffOptions, DiffResult } from "../core/match/types";
import { openFileSource } from "./node-source";

interface DiffArgs {
  files: string[];
  offset?: number;
  skew?: number;
  json?: string;
  packets: boolean;
}

function parseArgs(args: string[]): DiffArgs | string {
  const out: DiffArgs = { files: [], packets: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    try {
      if (arg === "--offset" || arg === "--skew") {
        const n = Number(value());
        if (!Number.isFinite(n)) return `${arg} needs a number`;
        if (arg === "--offset") out.offset = n;
        else out.skew = n;
      } else if (arg === "--json") out.json = value();
      else if (arg === "--packets") out.packets = true;
      else if (arg.startsWith("--")) return `unknown option ${arg}`;
      else out.files.push(arg);
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (out.files.length !== 2) return "diff needs exactly two capture files (A nearer the client, then B)";
  if (out.skew !== undefined && out.offset === undefined) return "--skew needs --offset too";
  return out;
}

async function load(path: string) {
  const source = await openFileSource(path);
  try {
    return await readPacketTable(source);
  } finally {
    await source.close();
  }
}

function summaryText(result: DiffResult): string {
  const lines: string[] = [];
  const [a, b] = result.captures;
  lines.push(`A: ${a.file} (${a.packets} packets)   B: ${b.file} (${b.packets} packets)`);
  const c = result.clock;
  lines.push(
    `Clock: B = A + ${c.offsetSeconds.toFixed(6)} s, skew ${c.skewPpm.toFixed(2)} ppm (${c.source}). ${c.assumption}`,
  );
  const paired = result.sessions.filter((s) => s.sides.length === 2);
  lines.push(`Sessions: ${result.sessions.length} (${paired.length} paired, ${result.sessions.length - paired.length} on one side only)`);
  for (const s of result.sessions) {
    const sides = s.sides.map((x) => `${x.capture === 0 ? "A" : "B"} ${x.client} -> ${x.server}`).join("  |  ");
    const n = s.counts;
    const extra = s.oneSided ? ` one-sided (${s.oneSided})` : ` conf ${s.confidence}`;
    lines.push(
      `  #${s.id} ${s.protocol} ${sides}${extra}: ${n.matched} matched, ${n.lost} lost, ${n.injected} injected, ${n.duplicated} dup, ${n.reordered} reord, ${n.modified} mod, ${n.outsideWindow} outside`,
    );
  }
  lines.push("Findings:");
  for (const f of result.findings) lines.push(`  [${f.severity}] ${f.title}\n      ${f.text}`);
  return lines.join("\n");
}

export async function runDiff(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(`parallax diff: ${parsed}\n`);
    return 2;
  }
  const [tableA, tableB] = [await load(parsed.files[0]), await load(parsed.files[1])];
  for (const t of [tableA, tableB]) for (const e of t.errors) process.stderr.write(`${t.file}: frame ${e.frame}: ${e.message}\n`);
  if (tableA.format === "unknown" || tableB.format === "unknown") return 1;
  const options: DiffOptions = parsed.offset !== undefined ? { clock: { offsetSeconds: parsed.offset, skewPpm: parsed.skew ?? 0 } } : {};
  const result = diffCaptures(tableA, tableB, options);
  const text = summaryText(result);
  if (parsed.json === "-") {
    process.stdout.write(`${JSON.stringify(diffToJson(result, parsed.packets))}\n`);
    process.stderr.write(`${text}\n`);
  } else {
    process.stdout.write(`${text}\n`);
    if (parsed.json) writeFileSync(parsed.json, `${JSON.stringify(diffToJson(result, parsed.packets))}\n`);
  }
  return 0;
}
