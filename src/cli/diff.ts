// `parallax diff A B [C ...] [--offset SECONDS] [--skew PPM] [--json FILE|-] [--packets] [--utc-offset ±HH:MM]`:
// compares captures of the same traffic taken in path order (the first nearest the client) and
// prints what happened between them; with three or more, hop by hop and along the chain (S13).

import { writeFileSync } from "node:fs";
import type { ReadOptions } from "../core/formats/types";
import { UTC_OFFSET_SYNTAX, parseUtcOffset } from "../core/formats/utc-offset";
import { readPacketTable } from "../core/model/packet-table-builder";
import { diffChain, type ChainResult } from "../core/match/chain";
import { chainToJson } from "../core/match/chain-json";
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
  readOptions: ReadOptions;
}

function parseArgs(args: string[]): DiffArgs | string {
  const out: DiffArgs = { files: [], packets: false, readOptions: {} };
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
      } else if (arg === "--utc-offset") {
        const text = value();
        const minutes = parseUtcOffset(text);
        if (minutes === undefined) return `--utc-offset needs ${UTC_OFFSET_SYNTAX}, not "${text}"`;
        out.readOptions.localTimeOffsetMinutes = minutes;
      } else if (arg === "--json") out.json = value();
      else if (arg === "--packets") out.packets = true;
      else if (arg.startsWith("--")) return `unknown option ${arg}`;
      else out.files.push(arg);
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (out.files.length < 2) return "diff needs two or more capture files in path order (the first nearest the client)";
  if (out.files.length > 2 && (out.offset !== undefined || out.skew !== undefined)) return "--offset and --skew apply to a diff of two files only";
  if (out.skew !== undefined && out.offset === undefined) return "--skew needs --offset too";
  return out;
}

async function load(path: string, opts: ReadOptions) {
  const source = await openFileSource(path);
  try {
    return await readPacketTable(source, opts);
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
    `Clock: B = A + ${c.offsetSeconds.toFixed(6)} s, skew ${c.skewPpm.toFixed(2)} ppm${c.skewSpreadPpm === null ? "" : ` (±${c.skewSpreadPpm.toFixed(1)} ppm between the directions)`} (${c.source}). ${c.assumption}`,
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

function chainText(chain: ChainResult): string {
  const lines: string[] = [];
  const name = (k: number) => `capture ${k + 1} (${chain.labels[k]})`;
  lines.push(`Captures in path order: ${chain.captures.map((c, k) => `${name(k)} ${c.packets} packets`).join(", ")}`);
  for (const [k, hop] of chain.hops.entries()) {
    lines.push("", `Hop ${k + 1}: ${name(hop.from)} -> ${name(hop.to)}`);
    lines.push(summaryText(hop.result).replace(/^/gm, "  "));
  }
  lines.push("", "Along the chain:");
  for (const f of chain.findings) lines.push(`  [${f.severity}] ${f.text}`);
  return lines.join("\n");
}

/** The summary on stdout and the document in `json`, or the document on stdout and the summary on stderr. */
function emit(text: string, json: string | undefined, doc: () => unknown): void {
  if (json === "-") {
    process.stdout.write(`${JSON.stringify(doc())}\n`);
    process.stderr.write(`${text}\n`);
  } else {
    process.stdout.write(`${text}\n`);
    if (json) writeFileSync(json, `${JSON.stringify(doc())}\n`);
  }
}

export async function runDiff(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(`parallax diff: ${parsed}\n`);
    return 2;
  }
  const tables = [];
  for (const file of parsed.files) tables.push(await load(file, parsed.readOptions));
  for (const t of tables) for (const e of t.errors) process.stderr.write(`${t.file}: frame ${e.frame}: ${e.message}\n`);
  if (tables.some((t) => t.format === "unknown")) return 1;
  if (tables.length > 2) {
    const chain = diffChain(tables);
    emit(chainText(chain), parsed.json, () => chainToJson(chain, parsed.packets));
    return 0;
  }
  const options: DiffOptions = parsed.offset !== undefined ? { clock: { offsetSeconds: parsed.offset, skewPpm: parsed.skew ?? 0 } } : {};
  const result = diffCaptures(tables[0], tables[1], options);
  emit(summaryText(result), parsed.json, () => diffToJson(result, parsed.packets));
  return 0;
}
