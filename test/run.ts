// Runs every uvu test file in its own process (a leaked handle or a hang in one file cannot stall
// the others), with a time limit per file, and ends with the one line CI reads: "N passed, N failed".
//   npm test                       all files
//   npm test -- relay/test/tags    only files whose path contains one of the arguments
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const DIRS = ["shared/test", "relay/test", "firmware/test", "test"];
const FILE_LIMIT_MS = Number(process.env.BTTN_TEST_FILE_LIMIT_MS ?? 180_000);

function findTests(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names.sort()) {
    const p = join(dir, n);
    if (n === "node_modules") continue;
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (n.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  ms: number;
  note?: string;
}

function runFile(file: string): Promise<FileResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => process.stderr.write(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, FILE_LIMIT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const skipped = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
      let failed = total - passed - skipped;
      let note: string | undefined;
      if (timedOut) note = "killed after " + FILE_LIMIT_MS / 1000 + " s";
      else if (!/Total:/.test(out)) note = "ended (exit " + code + ") without running its tests";
      else if (code !== 0 && failed === 0) note = "exit code " + code + " after its tests";
      if (note) failed += 1;
      resolve({ file: relative(ROOT, file), passed, failed, ms: Date.now() - started, note });
    });
  });
}

/**
 * `tsc --noEmit` over the whole tree counts as one test: a type error fails the run. The web
 * console's page (relay/ui) is its own project: it is checked against the browser's DOM types, which
 * the Node code must not see.
 */
const TS_PROJECTS = ["tsconfig.json", "relay/ui/tsconfig.json"];

function typecheckProject(project: string): Promise<number | null> {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, "--noEmit", "-p", join(ROOT, project)], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
    child.on("close", resolve);
  });
}

async function typecheck(): Promise<FileResult> {
  const started = Date.now();
  let ok = true;
  for (const p of TS_PROJECTS) ok = (await typecheckProject(p)) === 0 && ok;
  return { file: "tsc --noEmit", passed: ok ? 1 : 0, failed: ok ? 0 : 1, ms: Date.now() - started, note: ok ? undefined : "type errors" };
}

const filters = process.argv.slice(2);
const files = DIRS.flatMap((d) => findTests(join(ROOT, d))).filter((f) => !filters.length || filters.some((x) => relative(ROOT, f).includes(x))); // the path inside the checkout: its own folder's name never matches
const results: FileResult[] = [];
if (!filters.length) {
  process.stdout.write("# tsc --noEmit\n");
  results.push(await typecheck());
}
for (const f of files) {
  process.stdout.write("\n# " + relative(ROOT, f) + "\n");
  results.push(await runFile(f));
}
process.stdout.write("\nFiles:\n");
for (const r of results) {
  process.stdout.write(`  ${r.failed ? "FAIL" : "ok  "} ${r.file}  ${r.passed} passed, ${r.failed} failed  ${(r.ms / 1000).toFixed(1)} s${r.note ? "  (" + r.note + ")" : ""}\n`);
}
const passed = results.reduce((a, r) => a + r.passed, 0);
const failed = results.reduce((a, r) => a + r.failed, 0);
if (!files.length) process.stdout.write("no test files found\n");
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed || !files.length ? 1 : 0;
