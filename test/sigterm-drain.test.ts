// SIGTERM while a bttn keeps pressing: the relay (a real child process) stops taking presses at
// once, leaving them unacknowledged, finishes and answers the ones it took, and exits 0 within its
// bound (the slowest action's timeout plus a grace). Started again on the same data directory, it
// gets the unacknowledged presses from the device (QoS 1 resend): every press has exactly one
// result, and the webhook server saw no press twice.
import { test } from "uvu";
import * as assert from "uvu/assert";
import mqtt, { MqttClient } from "mqtt";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeResult, encodeEvent, Result, topicFor } from "@bttn/shared";
import { startCli, RunningCli } from "./support/cli";
import { freePort } from "./support/daemon";
import { startSink } from "./support/webhook-sink";
import { sleep, tempDir, waitFor } from "./support/temp";

const SECRET = "drain-secret-1";
const ACTION_TIMEOUT = 2000;
const BOUND_MS = ACTION_TIMEOUT + 2000; // relay.ts: the slowest action's timeout + DRAIN_GRACE_MS
const WEBHOOK_MS = 300; // each webhook answer takes this long, so presses are in flight at SIGTERM

test("SIGTERM during a stream of presses: exit 0 within the bound, then every press answered once, none fired twice", async () => {
  const dir = tempDir("sigterm");
  const sink = await startSink();
  sink.respond((_q, res) => setTimeout(() => res.end("ok"), WEBHOOK_MS));
  const mqttPort = await freePort();
  const config = { relay: { rateLimit: "off" }, bttns: { drain: { secret: SECRET, actions: { pressed: { http: { method: "POST", url: sink.url("/drain"), timeout: ACTION_TIMEOUT } } } } } };
  writeFileSync(join(dir.path, "bttn-relay.json"), JSON.stringify(config));
  const env = { BTTN_MQTT_PORT: String(mqttPort), BTTN_HTTP_PORT: String(await freePort()), BTTN_HOST: "127.0.0.1", BTTN_DATA: join(dir.path, "data"), BTTN_CONFIG: join(dir.path, "bttn-relay.json"), BTTN_LOG_LEVEL: "info" };
  const start = async () => {
    const cli = startCli(["run"], { cwd: dir.path, env });
    await cli.waitFor(/relay started/, 30_000);
    return cli;
  };

  let first: RunningCli | undefined = await start();
  let second: RunningCli | undefined;
  // A bttn as the firmware behaves, on mqtt.js: QoS 1 presses; after a reconnect it subscribes
  // first, then sends again every press never acknowledged (same identity), in order.
  const boot = "d7a1" + Math.floor(Math.random() * 0xffff).toString(16).padStart(4, "0");
  const results: Result[] = [];
  const acked = new Set<number>();
  let client: MqttClient | undefined;
  const send = (c: MqttClient, s: number) =>
    c.publish(topicFor("bttn", "drain", "event"), encodeEvent({ v: 1, boot, seq: s, type: "pressed", age: 0 }), { qos: 1 }, (err) => {
      if (!err) acked.add(s);
    });
  const connect = async () => {
    const c = mqtt.connect({ host: "127.0.0.1", port: mqttPort, username: "drain", password: SECRET, clientId: "drain." + boot, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000 });
    c.on("error", () => {});
    c.on("message", (topic, payload) => {
      const d = decodeResult(payload.toString());
      if (topic.endsWith("/result") && d.ok && d.value.boot === boot) results.push(d.value);
    });
    await new Promise<void>((res, rej) => {
      c.once("error", rej); // a refused login fails the test at once instead of hanging it
      c.once("connect", () => c.subscribe(topicFor("bttn", "drain", "result"), { qos: 1 }, (e) => (e ? rej(e) : res())));
    });
    for (let s = 0; s < seq; s++) if (!acked.has(s)) send(c, s);
    client = c;
  };
  let seq = 0;
  await connect();

  let pressing = true;
  const sentAt: number[] = [];
  const presser = (async () => {
    for (let i = 0; pressing && i < 200; i++) {
      sentAt.push(Date.now());
      const s = seq++;
      if (client?.connected) send(client, s); // else it waits for the next connection, as queued presses do
      await sleep(200);
    }
  })();
  try {
    await sleep(2000);
    const termAt = Date.now();
    first.child.kill("SIGTERM");
    const killer = setTimeout(() => first?.child.kill("SIGKILL"), 20_000);
    const code = await new Promise<number | null>((res) => (first!.child.exitCode !== null ? res(first!.child.exitCode) : first!.child.once("close", (c) => res(c))));
    clearTimeout(killer);
    const took = Date.now() - termAt;
    const log1 = first.output();
    first = undefined;
    assert.is(code, 0, "exit code; log:\n" + log1);
    // The bound plus generous room for closing the store and starting/stopping node on a busy machine.
    assert.ok(took < BOUND_MS + 4000, "exited " + took + " ms after SIGTERM (bound " + BOUND_MS + " ms)");
    assert.match(log1, /new presses are left unacknowledged/);
    assert.match(log1, /relay stopped/);
    const pressedWhileStopping = sentAt.filter((t) => t > termAt && t < termAt + took).length;
    assert.ok(pressedWhileStopping >= 1, "presses were sent while the relay shut down: " + pressedWhileStopping);

    const unacked = Array.from({ length: seq }, (_, s) => s).filter((s) => !acked.has(s));
    assert.ok(unacked.length >= 1, "presses left unacknowledged by the stopping relay: " + unacked.join(","));
    client?.end(true);
    client = undefined;
    second = await start();
    await connect();
    await sleep(2000); // still pressing
    pressing = false;
    await presser;
    const sent = seq;
    const finals = () => results.filter((r) => r.state !== "pending");
    await waitFor(() => new Set(finals().map((r) => r.seq)).size === sent, 20_000, "a result for each of " + sent + " presses").catch((e) => {
      throw new Error(e.message + "; results " + JSON.stringify(finals().map((r) => r.seq)) + "; fired " + sink.received.map((r) => r.headers["idempotency-key"]).join(" ") + "\nfirst relay:\n" + log1 + "\nsecond relay:\n" + second!.output());
    });
    await sleep(500); // a second answer to any press would arrive by now

    const bySeq = new Map<number, Result[]>();
    for (const r of finals()) bySeq.set(r.seq, [...(bySeq.get(r.seq) ?? []), r]);
    for (let s = 0; s < sent; s++) {
      const rs = bySeq.get(s) ?? [];
      assert.is(rs.length, 1, "press " + s + " has exactly one result: " + JSON.stringify(rs));
      assert.is(rs[0].state, "ok", "press " + s + ": " + JSON.stringify(rs[0]));
    }
    const keys = sink.received.map((r) => String(r.headers["idempotency-key"]));
    assert.is(new Set(keys).size, keys.length, "no press fired twice: " + keys.join(" "));
    assert.is(keys.length, sent, "each press fired once");
    assert.not.match(second.output(), /interrupted by the last shutdown/, "nothing was left in flight");
  } finally {
    pressing = false;
    await presser;
    client?.end(true);
    await first?.stop();
    await second?.stop();
    await sink.close();
    dir.remove();
  }
});

test.run();
