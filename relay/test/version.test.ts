// The project's version lives in the root package.json: the relay's --version prints it, the
// firmware build stamps it into the bundle, and the workspace manifests must not say otherwise.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../test/support/cli";

const ROOT = join(import.meta.dirname, "..", "..");
const versionOf = (dir: string) => (JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as { version: string }).version;

test("--version prints the root package.json's version; the workspaces carry the same", async () => {
  const v = versionOf(".");
  assert.match(v, /^\d+\.\d+\.\d+/);
  const r = await runCli(["--version"]);
  assert.is(r.code, 0);
  assert.is(r.stdout, v + "\n");
  for (const w of ["relay", "firmware", "shared"]) assert.is(versionOf(w), v, w + "/package.json");
  assert.not.ok(readFileSync(join(ROOT, "relay", "src", "cli", "main.ts"), "utf8").includes('"' + v + '"'), "no copy of the version in the CLI");
});

test.run();
