// Enforces the layering of DESIGN.md: src/core is pure (no DOM, React, comlink or Node
// APIs, no imports from outer layers); workers only wire core to comlink.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

function imports(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map(
    (m) => m[1] ?? m[2],
  );
}

describe("layers", () => {
  it("src/core imports nothing from outer layers, the DOM, React, comlink or Node", () => {
    const offences: string[] = [];
    for (const file of sources(join(root, "src/core"))) {
      for (const spec of imports(file)) {
        const bad =
          /^(react|react-dom|comlink|zustand)(\/|$)/.test(spec) ||
          spec.startsWith("node:") ||
          /^(fs|path|os|zlib|stream|child_process)$/.test(spec) ||
          /\/(ui|state|cli|worker-api)\//.test(spec) ||
          spec.includes("../../workers");
        if (bad) offences.push(`${relative(root, file)} imports ${spec}`);
      }
      // Globals only: not a property of the same name (`this.window.`), nor a word in a comment.
      const code = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      if (/(?<![.\w$])(document|window|localStorage)\./.test(code)) offences.push(`${relative(root, file)} touches the DOM`);
    }
    expect(offences).toEqual([]);
  });

  it("src/ui never imports the byte-level core (formats, decode)", () => {
    const offences: string[] = [];
    for (const file of sources(join(root, "src/ui"))) {
      for (const spec of imports(file)) {
        if (/core\/(formats|decode)\//.test(spec)) offences.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
