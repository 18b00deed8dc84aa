// Test support (Node only): where the shared real captures are, and how to read one.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** ../shared/captures beside the repository (present in CI). */
export const sharedCaptures = join(__dirname, "../../../shared/captures");
export const haveSharedCaptures = existsSync(join(sharedCaptures, "MANIFEST.md"));

export function sharedCapture(relPath: string): Uint8Array {
  return new Uint8Array(readFileSync(join(sharedCaptures, relPath)));
}
