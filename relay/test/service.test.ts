// The systemd service: the unit passes `systemd-analyze verify` (with the real node and launcher in
// ExecStart) and its offline security review; `service install` into a scratch root tree creates
// the user (useradd --prefix: the scratch tree's /etc/passwd, never this machine's), the data
// directory, the unit and the settings file, and refuses clearly when it cannot work.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { httpActionSchema } from "../src/config/schema";
import { closedToOthers, installService, servicePaths, unreachable } from "../src/service/install";
import { ENV_FILE, MAX_ACTION_TIMEOUT_MS, SERVICE_DATA_DIR, STOP_TIMEOUT_S, systemdUnit, UNIT_PATH, unitWord } from "../src/service/unit";
import { DRAIN_GRACE_MS } from "../src/relay";
import { findBinary } from "../../test/support/daemon";
import { runCli } from "../../test/support/cli";
import { tempDir } from "../../test/support/temp";

const analyze = findBinary("systemd-analyze", "systemd");
const isRoot = process.getuid?.() === 0;

/** systemd-analyze on a unit file named bttn-relay.service; its exit code and everything it printed. */
function analyzeUnit(args: string[], text: string): { code: number | null; out: string } {
  const dir = tempDir("unit");
  try {
    const file = join(dir.path, "bttn-relay.service");
    writeFileSync(file, text);
    const r = spawnSync(analyze, [...args, file], { encoding: "utf8", env: { ...process.env, SYSTEMD_LOG_COLOR: "0", SYSTEMD_COLORS: "0" } });
    return { code: r.status, out: (r.stdout + r.stderr).trim() };
  } finally {
    dir.remove();
  }
}

test("the unit with this machine's node and launcher passes systemd-analyze verify without a word", () => {
  const paths = servicePaths();
  assert.ok(existsSync(paths.node) && existsSync(paths.script), "ExecStart names files that exist");
  const unit = systemdUnit(paths);
  assert.match(unit, `\nExecStart=${paths.node} --enable-source-maps ${paths.script} run\n`);
  const r = analyzeUnit(["verify"], unit);
  assert.is(r.out, "", "no warnings");
  assert.is(r.code, 0);
});

test("paths with blanks and % are quoted and escaped for systemd (verify finds the node behind them)", () => {
  const dir = tempDir("unit-words");
  try {
    const odd = join(dir.path, "my node 100%");
    mkdirSync(odd);
    symlinkSync(realpathSync(process.execPath), join(odd, "node"));
    const unit = systemdUnit({ node: join(odd, "node"), script: join(odd, "start.js") });
    assert.match(unit, `\nExecStart="${join(dir.path, "my node 100%%")}/node" --enable-source-maps "${join(dir.path, "my node 100%%")}/start.js" run\n`);
    const r = analyzeUnit(["verify"], unit);
    assert.is(r.out, "", "no warnings");
    assert.is(r.code, 0);
    assert.is(unitWord('/a "b"\\c'), '"/a \\"b\\"\\\\c"');
    assert.is(unitWord("/usr/bin/node"), "/usr/bin/node");
  } finally {
    dir.remove();
  }
});

test("systemd-analyze catches a broken unit (so the check above can fail)", () => {
  const unit = systemdUnit(servicePaths());
  const missing = analyzeUnit(["verify"], unit.replace(/^ExecStart=\S+/m, "ExecStart=/nonexistent/node"));
  assert.is.not(missing.code, 0);
  assert.match(missing.out, /not executable/);
  const typo = analyzeUnit(["verify"], unit.replace("ProtectSystem=strict", "ProtectSystem=strictly"));
  assert.match(typo.out, /Failed to parse/);
});

test("the unit's security review: exposure rated OK (below 2 of 10)", () => {
  const r = analyzeUnit(["security", "--offline=yes"], systemdUnit(servicePaths()));
  assert.is(r.code, 0, r.out);
  const m = /Overall exposure level for bttn-relay\.service: (\d+\.\d+) (\w+)/.exec(r.out);
  assert.ok(m, r.out.slice(-500));
  assert.ok(Number(m![1]) < 2, "exposure " + m![1]);
  assert.is(m![2], "OK");
});

test("the unit: own user, state directory, restart, hardening, no capabilities, a stop timeout above the drain bound", () => {
  const unit = systemdUnit({ node: "/usr/bin/node", script: "/opt/bttn/relay/bin/start.js" });
  for (const line of [
    "User=bttn-relay",
    "StateDirectory=bttn-relay",
    "ReadWritePaths=/var/lib/bttn-relay",
    "Environment=BTTN_DATA=/var/lib/bttn-relay",
    "Restart=on-failure",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "CapabilityBoundingSet=",
    "SyslogLevelPrefix=yes",
    "EnvironmentFile=-/etc/bttn-relay.env",
  ])
    assert.ok(unit.split("\n").includes(line), line);
  assert.match(unit, /^RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK$/m);
  // The longest shutdown: an action at the schema's longest timeout, plus the relay's grace.
  assert.ok(httpActionSchema.safeParse({ url: "http://x/", timeout: MAX_ACTION_TIMEOUT_MS }).success);
  assert.not.ok(httpActionSchema.safeParse({ url: "http://x/", timeout: MAX_ACTION_TIMEOUT_MS + 1 }).success, "MAX_ACTION_TIMEOUT_MS is the schema's bound");
  assert.ok(STOP_TIMEOUT_S * 1000 >= MAX_ACTION_TIMEOUT_MS + DRAIN_GRACE_MS + 5000);
  assert.match(unit, new RegExp(`^TimeoutStopSec=${STOP_TIMEOUT_S}$`, "m"));
  // A relay under a home directory needs it readable.
  assert.match(systemdUnit({ node: "/usr/bin/node", script: "/home/pi/bttn/relay/bin/start.js" }), /^ProtectHome=read-only$/m);
});

/** A scratch root tree as useradd --prefix needs it, with or without a running systemd. */
function scratchRoot(dir: string, systemd: boolean): string {
  const root = join(dir, "root");
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
  writeFileSync(join(root, "etc/group"), "root:x:0:\n");
  writeFileSync(join(root, "etc/shadow"), "root:*:19000:0:99999:7:::\n", { mode: 0o600 });
  writeFileSync(join(root, "etc/gshadow"), "root:*::\n", { mode: 0o600 });
  if (systemd) mkdirSync(join(root, "run/systemd/system"), { recursive: true });
  return root;
}

/** A relay checkout in `dir`: bin/start.js and, unless `built` is false, dist/bttn-relay.mjs. */
function fakeCheckout(dir: string, built = true): string {
  mkdirSync(join(dir, "relay/bin"), { recursive: true });
  writeFileSync(join(dir, "relay/bin/start.js"), "", { mode: 0o644 });
  if (built) {
    mkdirSync(join(dir, "relay/dist"));
    writeFileSync(join(dir, "relay/dist/bttn-relay.mjs"), "", { mode: 0o644 });
  }
  return join(dir, "relay/bin/start.js");
}

/** The node the unit names: a stand-in beside the checkout (wherever this machine's node is, e.g. a 0700 home). */
const nodeBeside = (script: string) => join(script, "../../../node");

const install = (root: string, script: string) => {
  const said: string[] = [];
  const node = nodeBeside(script);
  if (!existsSync(node)) writeFileSync(node, "#!/bin/sh\n", { mode: 0o755 });
  installService({ root, node, script, say: (l) => said.push(l) });
  return said.join("\n");
};

test("service install into a scratch root: user, data directory, unit, settings; again: kept", () => {
  if (!isRoot) {
    console.log("  (skipped: useradd and chown need root; the refusals below run as any user)");
    return;
  }
  const dir = tempDir("install");
  try {
    chmodSync(dir.path, 0o755); // the launcher must be readable by the service's user
    const root = scratchRoot(dir.path, true);
    const script = fakeCheckout(dir.path);
    const said = install(root, script);
    assert.match(said, /user bttn-relay: created/);
    const passwd = readFileSync(join(root, "etc/passwd"), "utf8");
    const entry = /^bttn-relay:x:(\d+):(\d+):bttn relay:\/var\/lib\/bttn-relay:\/usr\/sbin\/nologin$/m.exec(passwd);
    assert.ok(entry, passwd);
    assert.ok(Number(entry![1]) < 1000, "a system user");
    assert.not.match(readFileSync("/etc/passwd", "utf8"), /^bttn-relay:/m, "this machine's users are untouched");
    const data = statSync(join(root, SERVICE_DATA_DIR));
    assert.is(data.mode & 0o777, 0o700);
    assert.is(data.uid, Number(entry![1]));
    assert.is(readFileSync(join(root, UNIT_PATH), "utf8"), systemdUnit({ node: nodeBeside(script), script }));
    assert.is(statSync(join(root, ENV_FILE)).mode & 0o777, 0o600);
    assert.match(readFileSync(join(root, ENV_FILE), "utf8"), /^#BTTN_HTTP_PORT=$/m);
    assert.match(said, /sudo systemctl daemon-reload && sudo systemctl enable --now bttn-relay/);

    writeFileSync(join(root, ENV_FILE), "BTTN_HTTP_PORT=8081\n", { mode: 0o600 });
    const again = install(root, script);
    assert.match(again, /user bttn-relay: exists/);
    assert.match(again, /unit \/etc\/systemd\/system\/bttn-relay\.service: unchanged/);
    assert.match(again, /settings \/etc\/bttn-relay\.env: exists, kept/);
    assert.is(readFileSync(join(root, ENV_FILE), "utf8"), "BTTN_HTTP_PORT=8081\n", "the administrator's settings are kept");
    assert.is(readFileSync(join(root, "etc/passwd"), "utf8"), passwd, "no second user");
  } finally {
    dir.remove();
  }
});

/** The ConfigError message of a refused install; fails when it went through. */
function refusal(root: string, script: string): string {
  try {
    install(root, script);
  } catch (e) {
    return (e as Error).message;
  }
  assert.unreachable("the install went through");
  return "";
}

test("service install refuses without systemd, without the bundle, and where the service's user cannot read", () => {
  if (!isRoot) {
    console.log("  (skipped: these checks come after the root check)");
    return;
  }
  const dir = tempDir("install-no");
  try {
    chmodSync(dir.path, 0o755);
    const noSystemd = scratchRoot(join(dir.path, "a"), false);
    assert.match(refusal(noSystemd, fakeCheckout(join(dir.path, "a"))), /^systemd is not running on this machine \(no \/run\/systemd\/system\)/);
    const root = scratchRoot(join(dir.path, "b"), true);
    assert.match(refusal(root, fakeCheckout(join(dir.path, "b"), false)), /dist\/bttn-relay\.mjs is missing: .*npm run build -w relay/);
    const home = join(dir.path, "c");
    const script = fakeCheckout(home);
    chmodSync(home, 0o700); // as Raspberry Pi OS makes /home/pi
    assert.match(refusal(root, script), new RegExp(`could not run ${home}/node: ${home} is closed to other users \\(mode 700\\)\\. Put the relay where other users may read it`));
    for (const r of [noSystemd, root]) assert.not.match(readFileSync(join(r, "etc/passwd"), "utf8"), /bttn-relay/, "nothing was installed");
    assert.not.ok(existsSync(join(root, UNIT_PATH)));
  } finally {
    dir.remove();
  }
});

test("closedToOthers: a directory others cannot enter, a file they cannot read or run", () => {
  const dir = tempDir("others");
  try {
    chmodSync(dir.path, 0o755);
    const f = join(dir.path, "f");
    writeFileSync(f, "", { mode: 0o600 });
    assert.match(closedToOthers(f) ?? "", /f cannot be read by other users \(mode 600\)/);
    chmodSync(f, 0o644);
    assert.is(closedToOthers(f), undefined);
    assert.match(closedToOthers(f, true) ?? "", /cannot be run/);
    assert.is(closedToOthers(realpathSync(process.execPath), true), undefined);
  } finally {
    dir.remove();
  }
});

test("bttn-relay service install as another user than root: one line, exit 2", async () => {
  // As root, drop to nobody for this run (setpriv, util-linux), who must be able to read the checkout.
  const cli = join(import.meta.dirname, "../bin/bttn-relay.js");
  const nobodyCannot = isRoot ? (closedToOthers(cli) ?? closedToOthers(process.execPath, true)) : undefined;
  if (nobodyCannot) return console.log("  (skipped: " + nobodyCannot + ")");
  const r = isRoot
    ? spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, join(import.meta.dirname, "../bin/bttn-relay.js"), "service", "install"], { encoding: "utf8" })
    : spawnSync(process.execPath, [join(import.meta.dirname, "../bin/bttn-relay.js"), "service", "install"], { encoding: "utf8" });
  assert.is(r.status, 2, r.stderr);
  assert.is(r.stderr, `bttn-relay: service install must run as root: it creates the user bttn-relay and writes /etc/systemd/system/bttn-relay.service (sudo "$(command -v node)" relay/bin/bttn-relay.js service install)\n`);
});

test("bttn-relay service install where systemd does not run: one line, exit 2", async () => {
  if (existsSync("/run/systemd/system") || !isRoot) {
    console.log("  (skipped: only where root runs without systemd, so that nothing is installed on this machine)");
    return;
  }
  const r = await runCli(["service", "install"]);
  assert.is(r.code, 2);
  assert.is(r.stderr, "bttn-relay: systemd is not running on this machine (no /run/systemd/system): `bttn-relay service unit` prints the unit, for reference with another service manager\n");
});

test("bttn-relay service unit prints the unit for this checkout", async () => {
  const r = await runCli(["service", "unit"]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, unreachable(servicePaths()).map((p) => "warning: " + p + "\n").join(""), "a warning when the service's user could not read this checkout");
  assert.is(r.stdout, systemdUnit(servicePaths()));
  assert.is(r.stdout.split("\n").filter((l) => l.startsWith("ExecStart=")).length, 1);
});

test.run();
