// The firmware's own MQTT client (with its link/session layer) through the Node bindings, against
// the relay's embedded aedes broker: connect, refused credentials, subscribe (retained config),
// QoS 1 both ways through the relay, keepalive, a relay restart.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startSink, WebhookSink } from "./support/webhook-sink";
import { relayOnPort, RelayOnPort } from "../firmware/test/net-helpers";
import { device, Dev, ID, SECRET, T, sleep, publishAcked } from "../firmware/test/link-device";

const ctx = {} as { r: RelayOnPort; sink: WebhookSink; devs: Dev[] };

test.before(async () => {
  ctx.sink = await startSink();
  ctx.devs = [];
  ctx.r = await relayOnPort({
    bttns: { [ID]: { secret: SECRET, device: { longMs: 900 }, actions: { pressed: { http: { method: "POST", url: ctx.sink.url("/hook"), format: "json", args: { c: "<COUNTER>" } } } } } },
  });
});
test.after.each(() => {
  for (const d of ctx.devs.splice(0)) d.stop();
});
test.after(async () => {
  await ctx.r.close();
  await ctx.sink.close();
});

test("connects, subscribes, and gets its retained config", async () => {
  const d = device(ctx.r.mqttPort);
  ctx.devs.push(d);
  await d.until(() => d.link.state() === "up", 3000, "up");
  await d.until(() => d.messages.some((m) => m[0] === T("config")), 2000, "config");
  assert.equal(JSON.parse(d.messages.find((m) => m[0] === T("config"))![1]), { v: 1, longMs: 900 });
});

test("refused credentials: CONNACK checked, denied, no spin", async () => {
  const d = device(ctx.r.mqttPort, { secret: "not-the-secret" });
  ctx.devs.push(d);
  await d.until(() => d.link.state() === "denied", 3000, "denied");
  await sleep(500);
  assert.is(d.connects(), 1);
  assert.match(d.logs.join("\n"), /refused, code 4/);
});

test("QoS 1 both ways: an event goes through the relay to the webhook; the result comes back", async () => {
  const d = device(ctx.r.mqttPort);
  ctx.devs.push(d);
  await d.until(() => d.link.state() === "up", 3000, "up");
  await publishAcked(d, T("event"), '{"v":1,"boot":"a1b2c3d5","seq":0,"type":"pressed","age":0}');
  await d.until(() => d.messages.some((m) => m[0] === T("result") && JSON.parse(m[1]).state === "ok"), 3000, "the ok result");
  const results = d.messages.filter((m) => m[0] === T("result")).map((m) => JSON.parse(m[1]));
  // A quick webhook gets no `pending` first: the relay sends it only for actions that take a while.
  assert.equal(results[results.length - 1], { v: 1, boot: "a1b2c3d5", seq: 0, state: "ok", code: 200 });
  assert.is(ctx.sink.received.length, 1);
});

test("keepalive: a 1 s keepalive keeps the link through 3.5 s of silence", async () => {
  const d = device(ctx.r.mqttPort, { keepalive: 1 });
  ctx.devs.push(d);
  await d.until(() => d.link.state() === "up", 3000, "up");
  await sleep(3500);
  assert.is(d.link.state(), "up");
  assert.is(d.connects(), 1);
  assert.ok(d.pongs() >= 3);
});

test("relay restart: the device reconnects by itself and its next event is acted on", async () => {
  const d = device(ctx.r.mqttPort);
  ctx.devs.push(d);
  await d.until(() => d.link.state() === "up", 3000, "up");
  await ctx.r.stop();
  await d.until(() => d.link.state() !== "up", 3000, "the drop noticed");
  await sleep(300);
  await ctx.r.start();
  await d.until(() => d.link.state() === "up", 5000, "up again");
  const before = ctx.sink.received.length;
  await publishAcked(d, T("event"), '{"v":1,"boot":"a1b2c3d6","seq":0,"type":"pressed","age":0}');
  await d.until(() => ctx.sink.received.length === before + 1, 3000, "webhook after restart");
});

test.run();
