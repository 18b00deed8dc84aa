// Shared Playwright fixture: every spec fails on a console error, an uncaught page error,
// or any request that leaves 127.0.0.1/localhost. Also helpers to open captures.
import { Buffer } from "node:buffer";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { test as base, expect, type Page } from "@playwright/test";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, "..");
export const sharedLab = join(repoRoot, "../shared/captures/lab");
export const haveSharedLab = existsSync(join(sharedLab, "README.md"));
export const demoDir = join(repoRoot, "public/demo");

export const test = base.extend<{ guard: void }>({
  guard: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
      });
      page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
      page.on("request", (req) => {
        const url = new URL(req.url());
        const local = url.hostname === "127.0.0.1" || url.hostname === "localhost";
        if (!local && !["blob:", "data:"].includes(url.protocol)) problems.push(`request left localhost: ${req.url()}`);
      });
      await use();
      expect(problems).toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** Waits for the app's idle signal: no worker request in flight. */
export async function idle(page: Page): Promise<void> {
  await expect(page.getByTestId("app")).toHaveAttribute("data-state", "ready", { timeout: 60_000 });
}

/** Opens files through the file input (the picker path). */
export async function pickFiles(page: Page, paths: string[]): Promise<void> {
  await page.getByTestId("file-input").setInputFiles(paths);
}

/** Opens captures made in the test (file name → bytes) through the file input. */
export async function pickBytes(page: Page, files: Record<string, Uint8Array>): Promise<void> {
  await page
    .getByTestId("file-input")
    .setInputFiles(Object.entries(files).map(([name, bytes]) => ({ name, mimeType: "application/octet-stream", buffer: Buffer.from(bytes) })));
}

/** Opens files with a synthetic drop of a DataTransfer built from the files' bytes. */
export async function dropFiles(page: Page, paths: string[]): Promise<void> {
  const files = paths.map((p) => ({ name: basename(p), base64: readFileSync(p).toString("base64") }));
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([Uint8Array.from(atob(f.base64), (ch) => ch.charCodeAt(0))], f.name));
    return dt;
  }, files);
  await page.getByTestId("dropzone").dispatchEvent("dragover", { dataTransfer: transfer });
  await page.getByTestId("dropzone").dispatchEvent("drop", { dataTransfer: transfer });
}

/** Waits for the overview of a finished comparison. */
export async function overviewReady(page: Page): Promise<void> {
  await expect(page.getByTestId("findings")).toBeVisible({ timeout: 60_000 });
  await idle(page);
  await expect(page.getByTestId("session-row").first()).toHaveAttribute("data-session", /\d+/);
}

/** The demo server capture with record 3's captured length made absurd: 2 packets survive. */
export function corruptedServer(): Buffer {
  const bytes = Buffer.from(readFileSync(join(demoDir, "server.pcap")));
  let offset = 24;
  for (let record = 1; record < 3; record++) offset += 16 + bytes.readUInt32LE(offset + 8);
  bytes.writeUInt32LE(0x7fffffff, offset + 8);
  return bytes;
}
