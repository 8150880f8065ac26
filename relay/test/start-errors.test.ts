// What a user on a Pi meets, said in one line: a native module that does not load, a file of
// another user, a port below 1024. The real CLI is run as an unprivileged user (setpriv, when the
// tests run as root) against a data directory it may not open and a port it may not take.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { explainError } from "../src/cli/start-errors";
import { closedToOthers } from "../src/service/install";
import { tempDir } from "../../test/support/temp";

const CLI = join(import.meta.dirname, "../bin/bttn-relay.js");
const isRoot = process.getuid?.() === 0;
/** As root the CLI runs as nobody, who must be able to read this checkout and run this node. */
const nobodyCannot = isRoot ? (closedToOthers(CLI) ?? closedToOthers(process.execPath, true)) : undefined;

test("a file that is no native module: a real dlopen failure, explained with what to run", () => {
  const dir = tempDir("dlopen");
  try {
    const fake = join(dir.path, "better_sqlite3.node");
    writeFileSync(fake, "not an ELF file");
    let err: unknown;
    try {
      process.dlopen({ exports: {} } as NodeJS.Module, fake);
    } catch (e) {
      err = e;
    }
    const line = explainError(err) ?? "";
    assert.match(line, /^a native module does not load: .*better_sqlite3\.node.*\. In the relay's checkout run `npm rebuild better-sqlite3` \(or `npm ci`\); building it needs python3, make and g\+\+$/);
    assert.not.match(line, /\n/);
  } finally {
    dir.remove();
  }
});

test("a module built for another Node: the two module versions are named", () => {
  // Node's own wording for a module of another ABI (this one cannot be built here without another Node).
  const err = Object.assign(
    new Error(
      "The module '/opt/bttn/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 127. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
    ),
    { code: "ERR_DLOPEN_FAILED" },
  );
  assert.is(explainError(err), "a native module does not load: it was built for another Node (module version 115; this Node needs 127). In the relay's checkout run `npm rebuild better-sqlite3` (or `npm ci`); building it needs python3, make and g++");
  assert.is(explainError(new Error("something else")), undefined, "others keep their stack");
});

/** Runs the CLI as a user without rights on `dir` (nobody, when the tests run as root). */
function runUnprivileged(args: string[]) {
  const argv = [process.execPath, CLI, ...args];
  const r = isRoot ? spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ...argv], { encoding: "utf8", timeout: 30_000 }) : spawnSync(argv[0], argv.slice(1), { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stderr: r.stderr };
}

test("a data directory of another user: one line naming the file and the user to run as", () => {
  if (nobodyCannot) return console.log("  (skipped: " + nobodyCannot + ")");
  const dir = tempDir("eacces");
  try {
    chmodSync(dir.path, 0o755);
    const data = join(dir.path, "data");
    mkdirSync(data, { mode: 0o700 });
    writeFileSync(join(data, "bttn.db"), "");
    if (!isRoot) chmodSync(data, 0o000);
    const list = runUnprivileged(["bttn", "list", "--data", data]);
    assert.is(list.code, 1);
    assert.match(list.stderr, /^bttn-relay: no permission to use .*data\/bttn\.db \(EACCES, open\): run bttn-relay as the user the data directory belongs to \(the service's: sudo -u bttn-relay \.\.\.\)\n$/);
    const backup = runUnprivileged(["backup", join(dir.path, "copy.db"), "--data", data]);
    assert.is(backup.code, 2);
    assert.match(backup.stderr, /^bttn-relay: cannot read .*data\/bttn\.db \(EACCES\): run the backup as the relay's user or root\n$/);
    if (!isRoot) chmodSync(data, 0o700);
  } finally {
    dir.remove();
  }
});

test("a port below 1024 without the privilege: one line", () => {
  if (nobodyCannot) return console.log("  (skipped: " + nobodyCannot + ")");
  const unprivStart = Number(spawnSync("cat", ["/proc/sys/net/ipv4/ip_unprivileged_port_start"], { encoding: "utf8" }).stdout);
  if (!(unprivStart > 80)) {
    console.log("  (skipped: this machine lets anyone take port 80)");
    return;
  }
  const dir = tempDir("port80");
  try {
    chmodSync(dir.path, 0o777);
    const r = runUnprivileged(["run", "--data", join(dir.path, "data"), "--http-port", "80", "--mqtt-port", "0", "--host", "127.0.0.1"]);
    assert.is(r.code, 1);
    assert.is(r.stderr, "bttn-relay: no permission to listen on port 80 (EACCES): ports below 1024 need a privilege; choose another port, or see README, The relay as a service, for CAP_NET_BIND_SERVICE\n");
  } finally {
    dir.remove();
  }
});

test.run();
