// Builds the firmware: esbuild bundles the Espruino entry into dist/bttn.js (es2015, minified, its
// top level in the device's global scope), then the dialect gate checks the bundle, then the size is
// held to the budget.
// Any of the three failing fails the build: nothing that cannot run on the device gets to dist/.
//   npm run build -w firmware
import { build as esbuild } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { formatViolation, gate, SourceMap, Violation } from "./gate";

const FIRMWARE = join(dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE = join(FIRMWARE, "dist", "bttn.js");
/** The device's budget for the minified bundle. */
export const BUDGET = 16 * 1024;
/** Setup mode's own bundle: a second Storage file, loaded only in setup mode (src/core/setup.ts). */
export const SETUP_ENTRY = join(FIRMWARE, "src", "espruino", "setup-main.ts");
export const SETUP_BUNDLE = join(FIRMWARE, "dist", "bttn-setup.js");
// It is load()ed on an emptied interpreter, alone: its size costs normal mode nothing.
export const SETUP_BUDGET = 10 * 1024;

/**
 * Property names that exist only between the firmware's own parts (core, bindings): esbuild shortens
 * them in the bundle, about 900 bytes. A name here must never be one that Espruino's API, the
 * protocol's JSON or a Storage file uses, because those keep their names (state, time, read, write,
 * connect, password, sleep, boot, ...): firmware/test/build.test.ts checks the list against
 * espruino.d.ts and the protocol package, and test/firmware-bundle.test.ts runs the bundle.
 */
export const MANGLED = [
  // Bindings
  "after", "cancel", "isDown", "pwm", "adc", "wake", "watchdog", "onDrop",
  // core parts
  "idle", "show", "mqtt", "drop", "unacked", "subscribe", "publish", "items", "dropped", "add", "remove",
  "timer", "acked", "sent", "retain", "topic", "payload", "hello", "clientId", "username", "keepalive", "clean", "will",
  "start", "stop", "link", "settings", "onLed", "debounceMs",
  "flush", "answer", "verdict", "changed", "goodbye", "send", "up", "waiting",
  "now", "storage", "watch", "file", "value", "down", "message",
  // timing options
  "wifiMs", "connackMs", "backoffMs", "backoffMaxMs", "deniedMs", "resultMs", "marginMs", "queueMax", "giveUpMs", "settleMs", "keepaliveS",
  // setup mode (not "setup" itself: it is also an LED pattern name, looked up by string)
  "ready", "holdMs", "ap", "serve", "restartMs", "idleMs",
];

export interface BuildResult {
  file: string;
  bytes: number;
  code: string;
  violations: Violation[];
  /** Human-readable lines: size, budget, violations. */
  report: string[];
  ok: boolean;
}

export async function buildFirmware(opts: { entry?: string; outfile?: string; budget?: number } = {}): Promise<BuildResult> {
  const outfile = opts.outfile ?? BUNDLE;
  const budget = opts.budget ?? BUDGET;
  // The project's one version (the relay's --version says the same).
  const version = JSON.parse(readFileSync(join(FIRMWARE, "..", "package.json"), "utf8")).version as string;
  mkdirSync(dirname(outfile), { recursive: true });
  const r = await esbuild({
    entryPoints: [opts.entry ?? join(FIRMWARE, "src", "espruino", "main.ts")],
    bundle: true,
    // CommonJS on the "node" platform leaves require("Storage") alone (an iife bundle would wrap
    // every require in a helper that needs Proxy). Nothing exported, so the top-level names are
    // shortened too. The top level is not wrapped in a function on purpose: on Espruino every
    // function created inside another keeps a link to that function's scope, and wrapping the
    // bundle cost 284 JsVars of the device's RAM (1387 with no wrapper, 1671 with one, measured on
    // the Linux interpreter after boot). The bttn is the only program on the device and load()
    // empties the global scope before the next one, so nothing else can clash with our names, and
    // esbuild never picks a name our code uses for one of Espruino's globals.
    format: "cjs",
    platform: "node",
    external: ["Storage", "Wifi", "net", "http"],
    target: "es2015",
    // Espruino runs ?? (docs/espruino.md): keep it rather than lowering it to a longer form.
    supported: { "nullish-coalescing": true },
    minify: true,
    charset: "ascii",
    legalComments: "none",
    define: { FW_VERSION: JSON.stringify(version) },
    // Class fields as plain assignments, not esbuild's __publicField helper.
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
    mangleProps: new RegExp("^(" + MANGLED.join("|") + ")$"),
    sourcemap: "external",
    write: false,
    outfile,
    logLevel: "silent",
  });
  const js = r.outputFiles.find((f) => f.path.endsWith(".js"))!;
  const mapFile = r.outputFiles.find((f) => f.path.endsWith(".map"))!;
  // "use strict" is an expression statement that does nothing on Espruino: 13 bytes saved.
  const code = js.text.replace(/\n+$/, "").replace(/^"use strict";/, "");
  const map = JSON.parse(mapFile.text) as SourceMap;
  // Source paths relative to the repository, so messages point at files a person can open.
  map.sources = map.sources.map((s) => relative(join(FIRMWARE, ".."), join(dirname(outfile), s)));
  const violations = gate(code, map);
  const bytes = Buffer.byteLength(code);
  const report: string[] = [];
  for (const v of violations) report.push(formatViolation(v, relative(process.cwd(), outfile)));
  report.push(relative(process.cwd(), outfile) + ": " + bytes + " bytes (" + (bytes / 1024).toFixed(1) + " KiB) of " + budget / 1024 + " KiB budget, " + ((100 * bytes) / budget).toFixed(0) + "% used");
  const ok = violations.length === 0 && bytes <= budget;
  if (violations.length) report.push("dialect gate: " + violations.length + " construct(s) Espruino cannot run");
  if (bytes > budget) report.push("over budget by " + (bytes - budget) + " bytes");
  if (ok) {
    writeFileSync(outfile, code);
    writeFileSync(outfile + ".map", JSON.stringify(map));
  } else {
    rmSync(outfile, { force: true });
  }
  return { file: outfile, bytes, code, violations, report, ok };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  Promise.all([buildFirmware(), buildFirmware({ entry: SETUP_ENTRY, outfile: SETUP_BUNDLE, budget: SETUP_BUDGET })]).then(
    (rs) => {
      for (const r of rs) for (const l of r.report) (r.ok ? console.log : console.error)(l);
      process.exit(rs[0].ok && rs[1].ok ? 0 : 1);
    },
    (e) => {
      console.error((e as Error).message);
      process.exit(1);
    },
  );
}
