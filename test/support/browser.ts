// A real browser for the console's tests: Debian's Chromium (apt package `chromium`, listed in
// .ci/apt-packages.txt) driven by playwright-core, which downloads nothing. Each start gets a fresh
// profile in a temporary folder, so no cookie or cache survives from one run to the next.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium, BrowserContext, Page } from "playwright-core";
import { tempDir } from "./temp";

export const CHROMIUM = process.env.BTTN_CHROMIUM ?? "/usr/bin/chromium";

/** The flags CI runs Chromium with: headless, no sandbox (root in a container), nothing phoning home. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  context: BrowserContext;
  page(): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<TestBrowser> {
  const profile = tempDir("chromium");
  // launchPersistentContext is how Playwright takes a --user-data-dir: this one is new and empty.
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    page: async () => context.pages()[0] ?? (await context.newPage()),
    async close() {
      await context.close().catch(() => {});
      profile.remove();
    },
  };
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, which the page's CSP does not
 * govern: the page itself stays under its policy) and gives the serious and critical violations.
 */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(axeSource + "\n;0");
  const result = (await page.evaluate("window.axe.run(document, { resultTypes: ['violations'] })")) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Whether the page scrolls sideways at its current width. */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return (await page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")) as boolean;
}
