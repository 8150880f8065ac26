// flash.sh end to end over Wi-Fi: the real `espruino` CLI, spawned by flash.sh, talks over
// tcp://127.0.0.1:PORT to a fake Espruino console that runs the Storage writes it receives.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { join } from "node:path";
import { startFakeEspruino } from "./support/espruino-console";
import { tempDir } from "./support/temp";
import { runProcess } from "./support/cli";

const ROOT = join(import.meta.dirname, "..");
const FLASH = join(ROOT, "flash.sh");

const SECRET = "s3cret-kitchen-7f2a91";
const WIFI_PASSWORD = "wifi-pass-9b1c44";
const CONFIG = {
  id: "kitchen",
  secret: SECRET,
  relay: { host: "192.168.1.10", port: 1883 },
  wifi: { ssid: "home", password: WIFI_PASSWORD },
  pins: { button: 0, red: 25, green: 26, blue: 27 },
  led: "common-anode",
  power: "awake",
  heartbeatS: 3600,
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

async function flash(args: string[], env: NodeJS.ProcessEnv = {}, limitMs = 60_000): Promise<Run> {
  const started = Date.now();
  const r = await runProcess("bash", [FLASH, ...args], { cwd: ROOT, env, timeoutMs: limitMs });
  return { ...r, ms: Date.now() - started };
}

/** A device file and a bundle on disk. The bundle holds every byte value, control characters
 * included, which would break the console if they were sent as code rather than as data. */
function fixtures(tag: string, config: unknown = CONFIG) {
  const dir = tempDir(tag);
  const configPath = join(dir.path, "kitchen.json");
  const configBytes = Buffer.from(JSON.stringify(config, null, 2) + "\n");
  writeFileSync(configPath, configBytes);
  const bundle = Buffer.concat([Buffer.from("(function(){var a=1;})();\n"), Buffer.from([...Array(256).keys()]), randomBytes(2200)]);
  const bundlePath = join(dir.path, "bttn.js");
  writeFileSync(bundlePath, bundle);
  return { dir, configPath, configBytes, bundle, bundlePath };
}

function assertNoSecrets(run: Run): void {
  const all = run.stdout + run.stderr;
  for (const s of [SECRET, WIFI_PASSWORD]) {
    assert.not.ok(all.includes(s), "output shows a secret");
    assert.not.ok(all.includes(Buffer.from(s).toString("base64").slice(0, 16)), "output shows a secret in base64");
  }
}

/** A loopback port where nothing listens. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

// Loaded into every Node process flash.sh starts (through NODE_OPTIONS): records each TCP
// connection and name lookup, so the test can prove nothing left this machine.
const NET_GUARD = `
const net = require("net"), dns = require("dns"), fs = require("fs");
const log = (s) => fs.appendFileSync(process.env.BTTN_NET_LOG, process.pid + " " + s + "\\n");
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let o = args[0];
  if (Array.isArray(o)) o = o[0];
  if (o && typeof o === "object") log("connect " + (o.path ? "unix:" + o.path : (o.host || "localhost") + ":" + o.port));
  else log("connect " + (typeof args[1] === "string" ? args[1] : "localhost") + ":" + o);
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (host, ...rest) { log("lookup " + host); return lookup.call(this, host, ...rest); };
`;

test("flashes over tcp: Storage holds the bundle and the config byte for byte, read back, restarted", async () => {
  const fx = fixtures("flash-ok");
  const fake = await startFakeEspruino();
  const guard = join(fx.dir.path, "net-guard.cjs");
  const netLog = join(fx.dir.path, "net.log");
  writeFileSync(guard, NET_GUARD);
  try {
    const run = await flash(["--port", fake.url, "--config", fx.configPath, "--bundle", fx.bundlePath, "--verbose"], {
      NODE_OPTIONS: ((process.env.NODE_OPTIONS ?? "") + " --require " + guard).trim(),
      BTTN_NET_LOG: netLog,
    });
    assert.is(run.code, 0, run.stderr + run.stdout);
    assert.ok(fake.storage.get(".bootcde")?.equals(fx.bundle), ".bootcde differs from the bundle");
    assert.ok(fake.storage.get("bttn.json")?.equals(fx.configBytes), "bttn.json differs from the config");
    assert.is(fake.counts.loads, 1, "restarted once with load()");
    assert.match(run.stdout, /verified size and CRC32 of bttn\.json and \.bootcde/);
    assert.match(run.stdout, /board {4}ESP32, Espruino 2v29/);
    assertNoSecrets(run);

    // Every connection went to the fake console (or a local socket); no name was looked up.
    const lines = readFileSync(netLog, "utf8").trim().split("\n");
    assert.ok(lines.some((l) => l.endsWith(" connect 127.0.0.1:" + fake.port)), "the guard saw the CLI connect");
    for (const l of lines) {
      const [, what, dest] = l.split(" ");
      if (what === "connect") assert.ok(dest === "127.0.0.1:" + fake.port || dest.startsWith("unix:"), "unexpected connection: " + l);
      else assert.ok(dest === "localhost" || dest === "127.0.0.1", "unexpected lookup: " + l);
    }
  } finally {
    await fake.close();
    fx.dir.remove();
  }
});

test("a write damaged on the way fails the read-back: clear error, damaged program erased, no restart", async () => {
  const fx = fixtures("flash-corrupt");
  const fake = await startFakeEspruino({ corrupt: { file: ".bootcde", nth: 3 } });
  try {
    const run = await flash(["--port", fake.url, "--config", fx.configPath, "--bundle", fx.bundlePath]);
    assert.is(run.code, 1, run.stdout);
    assert.match(run.stderr, /verification failed: \.bootcde on the board has \d+ bytes, CRC32 0x[0-9a-f]{8}, expected \d+ bytes, CRC32 0x[0-9a-f]{8}/);
    assert.match(run.stderr, /run flash\.sh again/);
    assert.is(fake.counts.loads, 0, "must not restart into a damaged program");
    assert.not.ok(fake.storage.has(".bootcde"), "the damaged .bootcde should be erased");
    assertNoSecrets(run);
  } finally {
    await fake.close();
    fx.dir.remove();
  }
});

test("--verbose on a console that echoes every line still shows no secret", async () => {
  const fx = fixtures("flash-echo");
  const fake = await startFakeEspruino({ echoAll: true });
  try {
    const run = await flash(["--port", fake.url, "--config", fx.configPath, "--bundle", fx.bundlePath, "--verbose"]);
    assert.is(run.code, 0, run.stderr + run.stdout);
    // The echo carried the device file in base64: no stretch of it may reach the terminal.
    assert.ok(fake.received[1].toString("latin1").includes('atob("'), "the console received base64");
    const b64 = fx.configBytes.toString("base64");
    for (let i = 0; i + 12 <= b64.length; i += 4) assert.not.ok(run.stdout.includes(b64.slice(i, i + 12)), "base64 of the config shown");
    assert.match(run.stdout, /board> .*atob\("\.\.\."\)/);
    assertNoSecrets(run);
  } finally {
    await fake.close();
    fx.dir.remove();
  }
});

test("invalid config: the error names the field and nothing is sent", async () => {
  const fake = await startFakeEspruino();
  const bad = fixtures("flash-badcfg", { ...CONFIG, relay: { host: "192.168.1.10", port: 99999 } });
  const badJson = tempDir("flash-badjson");
  try {
    const run = await flash(["--port", fake.url, "--config", bad.configPath, "--bundle", bad.bundlePath]);
    assert.is(run.code, 1);
    assert.match(run.stderr, /invalid config .*kitchen\.json: relay\.port: /);
    assert.is(fake.counts.connections, 0, "nothing may be sent for an invalid config");

    // Broken JSON: the parser's message would quote the text around the error, i.e. the secret.
    const p = join(badJson.path, "broken.json");
    writeFileSync(p, '{\n  "id": "kitchen",\n  "secret": "' + SECRET + '" oops\n}\n');
    const run2 = await flash(["--port", fake.url, "--config", p, "--bundle", bad.bundlePath]);
    assert.is(run2.code, 1);
    assert.match(run2.stderr, /invalid config .*broken\.json: not valid JSON \(line 3/);
    assertNoSecrets(run2);

    const run3 = await flash(["--port", fake.url, "--config", join(badJson.path, "missing.json"), "--bundle", bad.bundlePath]);
    assert.is(run3.code, 1);
    assert.match(run3.stderr, /cannot read config .*missing\.json: no such file/);
    assert.is(fake.counts.connections, 0);
  } finally {
    await fake.close();
    bad.dir.remove();
    badJson.remove();
  }
});

test("no such serial port, and a refused tcp port: clear errors, quickly", async () => {
  const fx = fixtures("flash-noport");
  try {
    const run = await flash(["--port", "/dev/ttyUSB-bttn-none", "--config", fx.configPath, "--bundle", fx.bundlePath]);
    assert.is(run.code, 1);
    assert.match(run.stderr, /error: no such port: \/dev\/ttyUSB-bttn-none/);

    const port = await closedPort();
    const run2 = await flash(["--port", "tcp://127.0.0.1:" + port, "--config", fx.configPath, "--bundle", fx.bundlePath]);
    assert.is(run2.code, 1);
    assert.match(run2.stderr, new RegExp("error: connection refused by 127\\.0\\.0\\.1:" + port));
    assert.ok(run2.ms < 10_000, "took " + run2.ms + " ms");
  } finally {
    fx.dir.remove();
  }
});

test("a console that never answers: time-out error within seconds, nothing written", async () => {
  const fx = fixtures("flash-silent");
  const fake = await startFakeEspruino({ silent: true });
  try {
    const run = await flash(["--port", fake.url, "--config", fx.configPath, "--bundle", fx.bundlePath, "--timeout", "3"]);
    assert.is(run.code, 1);
    assert.match(run.stderr, new RegExp("error: no answer from the board on tcp://127\\.0\\.0\\.1:" + fake.port + " within 3 s"));
    assert.ok(run.ms < 10_000, "took " + run.ms + " ms");
    assert.is(fake.counts.connections, 1, "only the probe connected");
    assert.not.ok(fake.received[0].toString("latin1").includes("Storage"), "no Storage write may follow an unanswered probe");
  } finally {
    await fake.close();
    fx.dir.remove();
  }
});

test("a ready bundle with bttn-setup.js beside it: setup mode is written too; without it, a warning says the bttn has none", async () => {
  const fx = fixtures("flash-setup");
  const setup = Buffer.concat([Buffer.from("(function(){var s=1;})();\n"), randomBytes(1500)]);
  const fake = await startFakeEspruino();
  try {
    const without = await flash(["--port", fake.url, "--config", fx.configPath, "--bundle", fx.bundlePath]);
    assert.is(without.code, 0, without.stderr + without.stdout);
    assert.match(without.stdout, /warning {2}no bttn-setup\.js next to the bundle: this bttn will have no setup mode/);
    assert.not.ok(fake.storage.has("bttn-setup.js"));

    writeFileSync(join(fx.dir.path, "bttn-setup.js"), setup);
    const run = await flash(["--port", fake.url, "--config", fx.configPath, "--bundle", fx.bundlePath]);
    assert.is(run.code, 0, run.stderr + run.stdout);
    assert.ok(fake.storage.get("bttn-setup.js")?.equals(setup), "bttn-setup.js differs from the setup bundle");
    assert.ok(fake.storage.get(".bootcde")?.equals(fx.bundle));
    assert.match(run.stdout, /file {5}bttn-setup\.js 1526 bytes, CRC32 0x[0-9a-f]{8}/);
    assert.match(run.stdout, /verified size and CRC32 of bttn\.json, \.bootcde and bttn-setup\.js on the board/);
    assert.not.match(run.stdout, /warning/);
    assertNoSecrets(run);

    const dry = join(fx.dir.path, "dry");
    const d = await flash(["--dry-run", dry, "--config", fx.configPath, "--bundle", fx.bundlePath]);
    assert.is(d.code, 0, d.stderr);
    assert.ok(readFileSync(join(dry, "bttn-setup.js")).equals(setup));
    assert.ok(readFileSync(join(dry, "upload.js"), "latin1").includes('require("Storage").write("bttn-setup.js",atob('));
  } finally {
    await fake.close();
    fx.dir.remove();
  }
});

test("--dry-run writes exactly what a real run sends", async () => {
  const fx = fixtures("flash-dry");
  const out = join(fx.dir.path, "dry");
  const fake = await startFakeEspruino();
  try {
    const dry = await flash(["--dry-run", out, "--config", fx.configPath, "--bundle", fx.bundlePath]);
    assert.is(dry.code, 0, dry.stderr);
    assert.ok(readFileSync(join(out, "bttn.json")).equals(fx.configBytes));
    assert.ok(readFileSync(join(out, ".bootcde")).equals(fx.bundle));
    assert.is(statSync(join(out, "upload.js")).mode & 0o077, 0, "the stream holds the secret: private file");
    assertNoSecrets(dry);
    assert.not.match(dry.stdout, /loopback/, "a LAN address is not warned about");
    const stream = readFileSync(join(out, "upload.js"), "latin1").split("\n").filter((l) => l !== "");

    const run = await flash(["--port", fake.url, "--config", fx.configPath, "--bundle", fx.bundlePath]);
    assert.is(run.code, 0, run.stderr);
    // Session 0 is the probe; session 1 the upload, framed by the CLI: a newline to get a prompt,
    // reset() and an empty print(), then the stream line by line.
    const sent = fake.sessions[1];
    assert.equal(sent.slice(0, 3), ["", "reset();", "print()"]);
    assert.equal(sent.slice(3).filter((l) => l !== ""), stream);
    assert.ok(stream.some((l) => l.startsWith('require("Storage").write(".bootcde",atob(')));
  } finally {
    await fake.close();
    fx.dir.remove();
  }
});

test("builds the firmware when no --bundle is given", async () => {
  const fx = fixtures("flash-build");
  const fake = await startFakeEspruino();
  const hasBuild = Boolean(JSON.parse(readFileSync(join(ROOT, "firmware", "package.json"), "utf8")).scripts?.build);
  try {
    const run = await flash(["--port", fake.url, "--config", fx.configPath], {}, 120_000);
    if (hasBuild) {
      assert.is(run.code, 0, run.stderr + run.stdout);
      const built = join(ROOT, "firmware", "dist", "bttn.js");
      assert.ok(existsSync(built));
      assert.ok(fake.storage.get(".bootcde")?.equals(readFileSync(built)), ".bootcde differs from firmware/dist/bttn.js");
      const setup = join(ROOT, "firmware", "dist", "bttn-setup.js");
      assert.ok(fake.storage.get("bttn-setup.js")?.equals(readFileSync(setup)), "bttn-setup.js differs from firmware/dist/bttn-setup.js");
      assert.match(run.stdout, /verified size and CRC32 of bttn\.json, \.bootcde and bttn-setup\.js/);
    } else {
      // Until the firmware has a build script, the failure must say so and send nothing.
      assert.is(run.code, 1);
      assert.match(run.stderr, /the firmware build failed/);
      assert.is(fake.counts.connections, 0);
    }
  } finally {
    await fake.close();
    fx.dir.remove();
  }
});

test("--help, and a bad command line exits 2", async () => {
  const help = await flash(["--help"]);
  assert.is(help.code, 0);
  assert.match(help.stdout, /--port PORT/);
  assert.match(help.stdout, /--dry-run DIR/);
  assert.match(help.stdout, /--espruino-firmware DIR/);
  const bad = await flash(["--port", "/dev/ttyUSB0", "--frobnicate"]);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /unknown option --frobnicate/);
  const noConfig = await flash(["--port", "/dev/ttyUSB0"]);
  assert.is(noConfig.code, 2);
  assert.match(noConfig.stderr, /--config FILE is required/);
});

test.run();
