// End to end: the simulator (the firmware's core on Node bindings) + the relay (embedded broker) + a
// loopback webhook server. What a person would see: press → webhook → LED.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeviceFile } from "@bttn/shared";
import { startSimDevice, SimDevice } from "../firmware/src/sim/device";
import { relayOnPort, RelayOnPort } from "../firmware/test/net-helpers";
import { startSink, WebhookSink } from "./support/webhook-sink";

const SECRET = "kitchen-secret-e2e";
const ctx = {} as { r: RelayOnPort; sink: WebhookSink; file: DeviceFile; devs: SimDevice[]; dir: string };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(what: () => boolean, ms: number, label: string): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error("timed out waiting for " + label);
    await sleep(10);
  }
}

function device(): SimDevice {
  const d = startSimDevice(ctx.file, {
    app: { backoffMs: 100, backoffMaxMs: 400, resultMs: 5000 },
    sim: { log: () => {} },
  });
  ctx.devs.push(d);
  return d;
}

test.before(async () => {
  ctx.sink = await startSink();
  const action = (type: string) => ({ http: { method: "POST" as const, url: ctx.sink.url("/hook/" + type), format: "json" as const, args: { n: "<COUNTER>", type: "<ETYPE>" } } });
  ctx.r = await relayOnPort({ bttns: { kitchen: { secret: SECRET, actions: { pressed: action("pressed"), "pressed-long": action("long"), "pressed-double": action("double") } } } });
  ctx.file = { id: "kitchen", secret: SECRET, relay: { host: "127.0.0.1", port: ctx.r.mqttPort }, wifi: { ssid: "ignored-by-the-simulator" } };
  ctx.devs = [];
  ctx.dir = mkdtempSync(join(tmpdir(), "bttn-fw-e2e-"));
});

test.after.each(async () => {
  for (const d of ctx.devs.splice(0)) d.stop();
  ctx.sink.received.length = 0;
  ctx.sink.respond((_q, res) => res.end("ok"));
  await sleep(50);
});

test.after(async () => {
  await ctx.r.close();
  await ctx.sink.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

test("a short press: the webhook is called and the LED shows ok", async () => {
  const d = device();
  await until(() => d.app.link() === "up", 3000, "link up");
  const outcome = d.waitFor(["ok", "fail"], 5000);
  await d.press("short");
  assert.is(await outcome, "ok");
  assert.is(ctx.sink.received.length, 1);
  assert.equal([ctx.sink.received[0].method, ctx.sink.received[0].url], ["POST", "/hook/pressed"]);
  assert.is(JSON.parse(ctx.sink.received[0].body).type, "pressed");
  assert.ok(d.patterns.includes("pending"), "pending while the relay worked: " + d.patterns.join(","));
});

test("the webhook answers 500: the LED shows fail", async () => {
  ctx.sink.respond((_q, res) => {
    res.statusCode = 500;
    res.end("broken");
  });
  const d = device();
  await until(() => d.app.link() === "up", 3000, "link up");
  const outcome = d.waitFor(["ok", "fail"], 5000);
  await d.press("short");
  assert.is(await outcome, "fail");
  assert.is(ctx.sink.received.length, 1);
});

test("a slow webhook: the relay's pending stretches the device's patience past its first deadline", async () => {
  ctx.sink.respond((_q, res) => void setTimeout(() => res.end("ok"), 2500));
  const d = startSimDevice(ctx.file, { app: { backoffMs: 100, backoffMaxMs: 400, resultMs: 1000 }, sim: { log: () => {} } });
  ctx.devs.push(d);
  await until(() => d.app.link() === "up", 3000, "link up");
  const outcome = d.waitFor(["ok", "fail"], 8000);
  await d.press("short");
  assert.is(await outcome, "ok", "without the pending, 1 s would have been a timeout");
});

test("relay stopped: the press is queued; relay back: delivered exactly once, with its age", async () => {
  const d = device();
  await until(() => d.app.link() === "up", 3000, "link up");
  await ctx.r.stop();
  await until(() => d.app.link() !== "up", 3000, "the link to notice");
  const queued = d.waitFor(["queued"], 3000);
  await d.press("short");
  assert.is(await queued, "queued");
  assert.is(d.app.queued(), 1);
  await sleep(1500);
  const outcome = d.waitFor(["ok", "fail"], 8000);
  await ctx.r.start();
  assert.is(await outcome, "ok", "the result of the queued press reaches the LED");
  await sleep(500); // anything sent twice would have arrived by now
  assert.is(ctx.sink.received.length, 1, "the webhook fired exactly once");
  const events = (await ctx.r.relay.events.feed("kitchen", {})).filter((e) => e.boot === d.app.boot);
  assert.is(events.length, 1);
  assert.ok(events[0].age >= 1500, "age counts the time it waited: " + events[0].age + " ms");
  assert.is(d.app.queued(), 0);
});

test("long and double presses reach the relay as their types", async () => {
  const d = device();
  await until(() => d.app.link() === "up", 3000, "link up");
  let outcome = d.waitFor(["ok", "fail"], 6000);
  const armed = d.waitFor(["armed"], 3000);
  await d.press("long");
  await armed;
  assert.is(await outcome, "ok");
  outcome = d.waitFor(["ok", "fail"], 6000);
  await d.press("double");
  assert.is(await outcome, "ok");
  assert.equal(ctx.sink.received.map((r) => r.url), ["/hook/long", "/hook/double"]);
  const types = (await ctx.r.relay.events.feed("kitchen", {})).filter((e) => e.boot === d.app.boot).map((e) => e.type).reverse();
  assert.equal(types, ["pressed-long", "pressed-double"]);
});

/** Runs the simulator CLI the way `npm run sim -- ...` does; `input` is piped into it, then closed. */
function cli(args: string[], input?: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ["--import", "tsx", "firmware/src/sim/cli.ts", ...args], { cwd: join(import.meta.dirname, ".."), stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout!.on("data", (d) => (out += d));
    p.stderr!.on("data", (d) => (err += d));
    const killer = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, out, err });
    });
    if (input !== undefined) p.stdin!.end(input);
  });
}

test("a virtual press (the console's Press button): the connected device's LED shows its outcome, and nothing is awaited", async () => {
  const d = device();
  await until(() => d.app.link() === "up", 3000, "link up");
  const kitchen = ctx.r.relay.bttns.get("kitchen")!;
  const ok = d.waitFor(["ok", "fail"], 5000);
  ctx.r.relay.pipeline.pressVirtually(kitchen, "pressed");
  assert.is(await ok, "ok");
  ctx.sink.respond((_q, res) => {
    res.statusCode = 500;
    res.end("broken");
  });
  const fail = d.waitFor(["fail"], 5000);
  ctx.r.relay.pipeline.pressVirtually(kitchen, "pressed-long");
  assert.is(await fail, "fail");
  assert.is(ctx.sink.received.length, 2, "both virtual presses fired their actions");
  assert.not.ok(d.patterns.includes("pending"), "nothing awaited, so no pending pattern: " + d.patterns.join(","));
});

test("the simulator CLI, piped: the interactive keys (s, l, d; several on a line) and the words work, each press answered in turn; unknown input is said", async () => {
  const path = join(ctx.dir, "kitchen.json");
  writeFileSync(path, JSON.stringify(ctx.file));
  const r = await cli(["--config", path], "s\nl\nx\ndouble\nsd\n");
  assert.is(r.code, 0, r.out + r.err);
  assert.equal(ctx.sink.received.map((q) => q.url), ["/hook/pressed", "/hook/long", "/hook/double", "/hook/pressed", "/hook/double"]);
  assert.is(r.out.match(/^led: ok$/gm)?.length, 5, r.out);
  assert.match(r.out, /unknown input "x": keys s \(short\), l \(long\)/);
  assert.not.match(r.out + r.err, new RegExp(SECRET), "the secret is never printed");
  // q ends it before the rest of the input.
  ctx.sink.received.length = 0;
  const q = await cli(["--config", path], "s\nq\ns\n");
  assert.is(q.code, 0, q.out + q.err);
  assert.equal(ctx.sink.received.map((x) => x.url), ["/hook/pressed"]);
});

test("the simulator CLI, scripted: prints the LED's outcome, exit 0 on ok and 1 on fail", async () => {
  const path = join(ctx.dir, "kitchen.json");
  writeFileSync(path, JSON.stringify(ctx.file));
  const ok = await cli(["--config", path, "--press", "short", "--timeout", "10"]);
  assert.is(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /led: pending\n(.*\n)*led: ok\ntime: \d+ ms from press to ok \(400 ms of it is the double-press window; .*\)\nok\n$/);
  const ms = Number(/time: (\d+) ms/.exec(ok.out)![1]);
  assert.ok(ms >= 480 && ms < 5000, "press to green: an 80 ms press, the 400 ms double-press window, the round trip: " + ms + " ms");
  assert.not.match(ok.out + ok.err, new RegExp(SECRET), "the secret is never printed");
  ctx.sink.respond((_q, res) => {
    res.statusCode = 500;
    res.end();
  });
  const fail = await cli(["--config", path, "--press", "double", "--timeout", "10"]);
  assert.is(fail.code, 1, fail.out + fail.err);
  assert.match(fail.out, /fail\n$/);
  assert.equal(ctx.sink.received.map((r) => r.url), ["/hook/pressed", "/hook/double"]);
});

test("the simulator CLI: a wrong secret says denied (exit 1); a bad file is refused before anything (exit 2)", async () => {
  const wrong = join(ctx.dir, "wrong.json");
  writeFileSync(wrong, JSON.stringify({ ...ctx.file, secret: "not-the-secret" }));
  const denied = await cli(["--config", wrong, "--press", "short"]);
  assert.is(denied.code, 1);
  assert.match(denied.out, /denied/);
  const bad = join(ctx.dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ id: "kitchen", relay: { host: "127.0.0.1", port: 1 } }));
  const refused = await cli(["--config", bad, "--press", "short"]);
  assert.is(refused.code, 2);
  assert.match(refused.err, /bad\.json: secret: must be a non-empty string/);
});

test.run();
