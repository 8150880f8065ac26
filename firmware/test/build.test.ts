// The build: bundle, gate and budget together, on the real firmware.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUDGET, buildFirmware, MANGLED, SETUP_BUDGET, SETUP_BUNDLE, SETUP_ENTRY } from "../scripts/build";
import { PATTERNS } from "../src/core/led-patterns";

const FIRMWARE = join(import.meta.dirname, "..");

test("the firmware builds, passes the dialect gate and fits the budget", async () => {
  const r = await buildFirmware();
  assert.equal(r.violations, [], r.report.join("\n"));
  assert.ok(r.ok, r.report.join("\n"));
  assert.ok(r.bytes <= BUDGET, r.bytes + " bytes");
  assert.is(readFileSync(r.file, "utf8"), r.code, "dist/bttn.js is what was checked");
  assert.match(r.report[r.report.length - 1], /bytes .* of 16 KiB budget/);
});

test("the bundle's top level is the device's global scope, and it needs only Espruino's own modules", async () => {
  const r = await buildFirmware();
  // Not wrapped in a function: on Espruino that costs a JsVar per function defined inside (build.ts).
  assert.not.ok(r.code.startsWith("(function(){"), "no wrapper function");
  assert.not.match(r.code, /^"use strict"/);
  const required = [...r.code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).sort();
  assert.equal([...new Set(required)], ["Storage", "Wifi", "net"]);
  assert.not.match(r.code, /__require|Proxy|Reflect|Object\.prototype/, "no esbuild helper that Espruino cannot run");
  assert.match(r.code, /fw:"\d+\.\d+\.\d+"/, "the version from package.json is built in");
});

test("setup mode is its own bundle: it passes the gate and its budget, and the main bundle only loads it", async () => {
  const setup = await buildFirmware({ entry: SETUP_ENTRY, outfile: SETUP_BUNDLE, budget: SETUP_BUDGET });
  assert.equal(setup.violations, [], setup.report.join("\n"));
  assert.ok(setup.ok, setup.report.join("\n"));
  assert.ok(setup.bytes <= SETUP_BUDGET, setup.bytes + " bytes");
  assert.not.ok(setup.code.startsWith("(function(){"), "no wrapper function");
  const required = [...setup.code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).sort();
  assert.equal([...new Set(required)], ["Storage", "Wifi", "http"]);
  assert.match(setup.code, /startAP\(/);
  assert.not.match(setup.code, /net"|MQTT|deepSleep/, "none of normal mode's network or power code");
  const main = await buildFirmware();
  assert.ok(main.ok && main.bytes <= 16 * 1024, main.report.join("\n"));
  assert.not.match(main.code, /createServer|startAP|Save and restart/, "no setup mode code in the main bundle");
  assert.match(main.code, /load\([A-Za-z$_]+\)/, "the main bundle loads setup mode");
  assert.match(main.code, /"bttn-setup\.js"/);
});

test("a bundle over the budget fails the build and leaves no dist file", async () => {
  const over = await buildFirmware({ budget: 1024, outfile: join(FIRMWARE, "dist", "over-budget-test.js") });
  assert.not.ok(over.ok);
  assert.match(over.report.join("\n"), /over budget by \d+ bytes/);
  assert.not.ok(readdirSync(join(FIRMWARE, "dist")).includes("over-budget-test.js"));
});

test("a banned construct fails the build, named with the TypeScript file and line it came from", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bttn-gate-"));
  try {
    const entry = join(dir, "entry.ts");
    // esbuild passes both of these through at es2015; Espruino cannot parse either.
    writeFileSync(entry, "const o = { a: 1, b: 2 };\nfunction pick(x: number, ...rest: number[]) {\n  return x + rest.length;\n}\nconst { a, b } = o;\nconsole.log(pick(a, b));\n");
    const r = await buildFirmware({ entry, outfile: join(dir, "out.js") });
    assert.not.ok(r.ok);
    assert.equal(r.violations.map((v) => [v.rule, v.source?.line]), [["rest", 2], ["destructuring", 5]]);
    assert.match(r.report.join("\n"), /entry\.ts:2:\d+ \(.*out\.js \d+:\d+\): rest: /);
    assert.not.ok(existsSync(join(dir, "out.js")), "nothing Espruino cannot run is left to flash");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Identifiers in code with comments removed. */
function words(text: string): Set<string> {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  return new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);
}

test("no shortened property name is one Espruino's API or the protocol's JSON uses", () => {
  const espruino = words(readFileSync(join(FIRMWARE, "src", "espruino", "espruino.d.ts"), "utf8"));
  const sharedDir = join(FIRMWARE, "..", "shared", "src");
  const jsonKeys = new Set<string>();
  for (const f of readdirSync(sharedDir)) {
    // Field names are quoted alone ("seq") or in lists separated by spaces ("v boot seq").
    for (const m of readFileSync(join(sharedDir, f), "utf8").matchAll(/"([A-Za-z_$][\w$ ]*)"/g)) for (const w of m[1].split(" ")) jsonKeys.add(w);
  }
  // Storage files the core writes: the queue and the relay's config keep their JSON names.
  for (const k of ["at", "d", "q", "b", "s", "y", "t", "v"]) jsonKeys.add(k);
  // The LED's patterns are found by name at run time: a shortened key would never play.
  for (const name of Object.keys(PATTERNS)) assert.not.ok(MANGLED.includes(name), "pattern " + name + " must keep its name");
  for (const name of MANGLED) {
    assert.not.ok(espruino.has(name), name + " is used by Espruino's API (espruino.d.ts): it must keep its name");
    assert.not.ok(jsonKeys.has(name), name + " is a protocol or Storage JSON field: it must keep its name");
  }
});

test.run();
