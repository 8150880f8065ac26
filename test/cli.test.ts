// The relay's command line as a user runs it: help, bad config, start on defaults, adding a bttn
// while it runs, graceful shutdown with an action in flight.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { checkDeviceFile, DeviceFile } from "@bttn/shared";
import { ROOT, runCli, startCli } from "./support/cli";
import { connectDevice } from "./support/device";
import { freePort } from "./support/daemon";
import { startSink } from "./support/webhook-sink";
import { tempDir, sleep } from "./support/temp";
import { openSqliteStore } from "../relay/src/store/sqlite/open";

test("--help explains commands, flags and environment variables", async () => {
  const r = await runCli(["--help"]);
  assert.is(r.code, 0);
  for (const s of ["--broker", "--mqtt-port", "--http-port", "--data", "--config", "--log-level", "BTTN_BROKER", "bttn add", "action set"]) assert.ok(r.stdout.includes(s), s);
});

test("an invalid config file stops start-up naming the file and the field", async () => {
  const dir = tempDir("cli-bad");
  try {
    const file = join(dir.path, "bttn-relay.json");
    writeFileSync(file, JSON.stringify({ bttns: { kitchen: { secret: "kitchen-secret", actions: { pressed: { http: { url: "gopher://x" } } } } } }));
    const r = await runCli(["--http-port", "0", "--mqtt-port", "0"], { cwd: dir.path });
    assert.is(r.code, 2);
    assert.ok(r.stderr.includes(file + ": bttns.kitchen.actions.pressed.http.url: must be an http:// or https:// URL"), r.stderr);
    const u = await runCli(["--mqtt-port", "nope"], { cwd: dir.path });
    assert.is(u.code, 2);
    assert.match(u.stderr, /--mqtt-port: must be a port number/);
    const x = await runCli(["--frobnicate"], { cwd: dir.path });
    assert.is(x.code, 2);
    assert.match(x.stderr, /Unknown option '--frobnicate'/);
  } finally {
    dir.remove();
  }
});

test("starts with no config at all, settings from the environment; bttn add while running; SIGTERM finishes the action in flight", async () => {
  const dir = tempDir("cli-run");
  const sink = await startSink();
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  sink.respond((_q, res) => void gate.then(() => res.end("ok")));
  const mqttPort = await freePort();
  const httpPort = await freePort();
  const env = { BTTN_MQTT_PORT: String(mqttPort), BTTN_HTTP_PORT: String(httpPort), BTTN_HOST: "127.0.0.1" };
  const relay = startCli([], { cwd: dir.path, env });
  try {
    await relay.waitFor(/relay started/);
    const health = (await (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).json()) as { ok: boolean; broker: { mode: string }; bttns: number };
    assert.equal([health.ok, health.broker.mode, health.bttns], [true, "embedded", 0]);

    const add = await runCli(["bttn", "add", "porch", "--name", "Porch", "--relay-host", "127.0.0.1"], { cwd: dir.path, env });
    assert.is(add.code, 0, add.stderr);
    const file = JSON.parse(add.stdout) as DeviceFile;
    assert.is(checkDeviceFile(file), "");
    assert.equal(file.relay, { host: "127.0.0.1", port: mqttPort });
    assert.not.ok(add.stderr.includes(file.secret), "the secret is printed once, in the device file only");
    assert.match(add.stderr, /warning: relay\.host 127\.0\.0\.1 is a loopback address: a real bttn would look for the relay on itself/);
    // flash.sh takes the printed file as it is.
    const devFile = join(dir.path, "porch.json");
    writeFileSync(devFile, add.stdout);
    writeFileSync(join(dir.path, "fw.js"), "(function(){})();\n");
    const flash = spawnSync("./flash.sh", ["--dry-run", join(dir.path, "out"), "--config", devFile, "--bundle", join(dir.path, "fw.js")], { cwd: ROOT, encoding: "utf8" });
    assert.is(flash.status, 0, flash.stderr);
    assert.match(flash.stdout, /warning  relay\.host 127\.0\.0\.1 is a loopback address: a real bttn would look for the relay on itself and never reach it/);
    assert.equal(JSON.parse(readFileSync(join(dir.path, "out", "bttn.json"), "utf8")), file);
    const again = await runCli(["bttn", "add", "porch"], { cwd: dir.path, env });
    assert.is(again.code, 2);
    assert.match(again.stderr, /exists already/);

    const set = await runCli(["action", "set", "porch", "pressed", "--url", sink.url("/porch"), "--method", "POST", "--format", "json", "--arg", "n=<COUNTER>", "--header", "X-Who=porch"], { cwd: dir.path, env });
    assert.is(set.code, 0, set.stderr);
    const list = await runCli(["bttn", "list"], { cwd: dir.path, env });
    assert.match(list.stdout, /^porch\tcli\tPorch\tpressed$/m);

    // The running relay picks up the new bttn without a restart: it checks for changes from other
    // processes on a timer (under a second), so the action just set is there after one.
    await sleep(1000);
    const d = await connectDevice({ port: mqttPort, id: "porch", secret: file.secret });
    const seq = await d.press("pressed");
    await d.result(seq, ["pending"]);
    while (sink.received.length === 0) await sleep(10);
    assert.equal(JSON.parse(sink.received[0].body), { n: "1" });
    assert.is(sink.received[0].headers["x-who"], "porch");

    // SIGTERM while the webhook has not answered: the relay waits, records, and answers the device.
    const stopping = relay.stop("SIGTERM");
    await relay.waitFor(/shutting down: new presses are left unacknowledged; finishing those in progress count=1/);
    release();
    const code = await stopping;
    assert.is(code, 0);
    assert.match(relay.output(), /relay stopped/);
    const r = await d.result(seq, ["ok", "fail"], 3000);
    assert.is(r.state, "ok");
    await d.close();
    const store = await openSqliteStore(join(dir.path, "data"));
    const feed = await store.events.feed("porch", {}).finally(() => store.close());
    assert.is(feed.length, 1);
    assert.is(feed[0].state, "ok");
    assert.is(feed[0].runs.length, 1);
    assert.not.ok(relay.output().includes(file.secret), "no secret in the log");
  } finally {
    release();
    await relay.stop("SIGKILL");
    await sink.close();
    dir.remove();
  }
});

test("a flag the command does not take is refused, naming it, before anything is opened", async () => {
  const dir = tempDir("cli-flag");
  try {
    const r = await runCli(["bttn", "list", "--url", "http://127.0.0.1:1/"], { cwd: dir.path });
    assert.is(r.code, 2);
    assert.is(r.stderr, "bttn-relay: bttn list does not take --url (it takes --data, --store)\n");
    assert.not.ok(existsSync(join(dir.path, "data")), "no database was made");
    const help = await runCli(["--help"]);
    assert.match(help.stdout, /bttn-relay bttn list \[--data DIR\] \[--store URL\]\s+list bttns/);
  } finally {
    dir.remove();
  }
});

test("config check", async () => {
  const dir = tempDir("cli-check");
  try {
    const file = join(dir.path, "r.yaml");
    writeFileSync(file, "bttns:\n  a:\n    secret: aaaaaaaa\n");
    const r = await runCli(["config", "check", file]);
    assert.is(r.code, 0);
    assert.match(r.stdout, /valid, 1 bttn/);
  } finally {
    dir.remove();
  }
});

test.run();
