// The launchers refuse a Node older than 20 with one line, before loading anything else. The
// version is faked, not installed: a preload script makes process.versions.node say "18.19.0" (or
// "12.22.12", what older Raspberry Pi OS releases package) for the real launchers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../test/support/temp";
// @ts-expect-error: plain CommonJS without types, on purpose (node-check.js says why)
import { MIN_NODE_MAJOR, nodeVersionProblem } from "../bin/node-check.js";

const BIN = join(import.meta.dirname, "..", "bin");

test("nodeVersionProblem: 20, 22, 24 run; older versions get one sentence", () => {
  assert.is(MIN_NODE_MAJOR, 20);
  for (const v of ["20.0.0", "20.19.1", "22.12.0", "24.0.0", "v22.1.0"]) assert.is(nodeVersionProblem(v), null, v);
  for (const v of ["18.19.0", "12.22.12", "10.24.0", "v19.9.0"]) {
    const p = nodeVersionProblem(v) as string;
    assert.match(p, new RegExp(`^needs Node 20 or newer, and this is Node ${v} \\(.*node\\); install Node 20, 22 or 24 \\(README: Raspberry Pi\\)$`));
  }
});

/** Runs a launcher under a Node that claims to be `version`. */
function runAs(version: string, launcher: string, args: string[], cwd: string) {
  const preload = join(cwd, "fake-version.cjs");
  writeFileSync(preload, `Object.defineProperty(process, "versions", { value: { ...process.versions, node: ${JSON.stringify(version)} } });\n`);
  return spawnSync(process.execPath, ["--require", preload, join(BIN, launcher), ...args], { cwd, encoding: "utf8", timeout: 30_000 });
}

test("bttn-relay.js and start.js on Node 18 and 12: one line, exit 1, nothing started or written", () => {
  const dir = tempDir("old-node");
  try {
    for (const version of ["18.19.0", "12.22.12"])
      for (const launcher of ["bttn-relay.js", "start.js"]) {
        const r = runAs(version, launcher, ["run", "--data", join(dir.path, "data"), "--mqtt-port", "0", "--http-port", "0"], dir.path);
        assert.is(r.status, 1, launcher + " " + version + ": " + r.stderr);
        assert.is(r.stdout, "");
        assert.is(r.stderr, `bttn-relay: needs Node 20 or newer, and this is Node ${version} (${process.execPath}); install Node 20, 22 or 24 (README: Raspberry Pi)\n`);
        assert.not.ok(existsSync(join(dir.path, "data")), "no data directory was made");
      }
  } finally {
    dir.remove();
  }
});

test("on this Node the same launchers run (the check lets 20+ through)", () => {
  const dir = tempDir("new-node");
  try {
    const r = runAs(process.versions.node, "bttn-relay.js", ["--version"], dir.path);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  } finally {
    dir.remove();
  }
});

test("the README quotes the refusal word for word", () => {
  const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8").replace(/\s*\n\s*/g, " ");
  const line = "bttn-relay: " + (nodeVersionProblem("18.19.0") as string).replace(process.execPath, "/usr/bin/node");
  assert.ok(readme.includes("`" + line + "`"), line);
});

test.run();
