// `npm run bench`: every benchmark, one after the other (each prints its own table).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

for (const bench of ["ingest.ts", "diff.ts"]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(dirname(fileURLToPath(import.meta.url)), bench), ...process.argv.slice(2)], { stdio: "inherit" });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
