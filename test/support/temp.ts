// Temporary directories that tests remove when done.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempDir(tag: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "bttn-" + tag + "-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

type Falsy = undefined | false | null;

/**
 * Polls `check` until it returns (or resolves to) a truthy value or `ms` pass. A check may be async
 * (the store's reads are): its promise is awaited, never taken for the truthy value itself.
 */
export async function waitFor<T>(check: () => T | Falsy | PromiseLike<T | Falsy>, ms = 3000, what = "condition"): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error("timed out waiting for " + what);
    await sleep(10);
  }
}
