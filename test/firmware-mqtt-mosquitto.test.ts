// The firmware's own MQTT client (with its link/session layer) through the Node bindings, against
// Debian's mosquitto with a password file and an ACL: connect, refused credentials, subscribe, QoS 1
// both ways, keepalive, a dead link, a broker restart, the will.
import { test } from "uvu";
import * as assert from "uvu/assert";
import mqtt from "mqtt";
import { startMosquitto, Mosquitto } from "./support/mosquitto";
import { startProxy } from "../firmware/test/net-helpers";
import { device, Dev, ID, SECRET, T, sleep, publishAcked } from "../firmware/test/link-device";

const ctx = {} as { m: Mosquitto; peer: mqtt.MqttClient; got: mqtt.IPublishPacket[]; devs: Dev[] };

test.before(async () => {
  ctx.m = await startMosquitto({ [ID]: SECRET, relay: "relay-pass-1" });
  ctx.got = [];
  ctx.devs = [];
  ctx.peer = mqtt.connect({ host: "127.0.0.1", port: ctx.m.port, username: "relay", password: "relay-pass-1", protocolVersion: 4, reconnectPeriod: 200 });
  await new Promise((r) => ctx.peer.once("connect", r));
  ctx.peer.on("message", (_t, _p, packet) => ctx.got.push(packet));
  await ctx.peer.subscribeAsync("bttn/#", { qos: 1 });
});
test.after.each(() => {
  for (const d of ctx.devs.splice(0)) d.stop();
  ctx.got.length = 0;
});
test.after(async () => {
  await ctx.peer.endAsync(true);
  await ctx.m.stop();
});

test("connects, subscribes, and announces itself online (retained)", async () => {
  const d = device(ctx.m.port);
  ctx.devs.push(d);
  await d.until(() => d.link.state() === "up", 3000, "up");
  assert.equal(d.states, ["wait", "wifi", "broker", "up"]);
  await d.until(() => ctx.got.some((p) => p.topic === T("status")), 2000, "status");
  const st = ctx.got.find((p) => p.topic === T("status"))!;
  assert.equal([st.payload.toString(), st.qos], ['{"v":1,"online":true,"fw":"test"}', 1]);
  // retained: a late subscriber sees it
  const late = await mqtt.connectAsync({ host: "127.0.0.1", port: ctx.m.port, username: "relay", password: "relay-pass-1", protocolVersion: 4 });
  const retained = new Promise<string>((r) => late.on("message", (_t, p, pk) => pk.retain && r(p.toString())));
  await late.subscribeAsync(T("status"));
  assert.is(await retained, '{"v":1,"online":true,"fw":"test"}');
  await late.endAsync();
});

test("refused credentials: CONNACK checked, denied, no spin", async () => {
  const d = device(ctx.m.port, { secret: "wrong-secret" });
  ctx.devs.push(d);
  await d.until(() => d.link.state() === "denied", 3000, "denied");
  await sleep(500);
  assert.is(d.connects(), 1, "one attempt; the next only after deniedMs");
  assert.match(d.logs.join("\n"), /refused, code 5/);
  assert.not.match(d.logs.join("\n"), /wrong-secret/);
});

test("QoS 1 both ways: the device's event is acknowledged and arrives QoS 1; a QoS 1 result reaches the device", async () => {
  const d = device(ctx.m.port);
  ctx.devs.push(d);
  await d.until(() => d.link.state() === "up", 3000, "up");
  await publishAcked(d, T("event"), '{"v":1,"boot":"a1b2c3d4","seq":0,"type":"pressed","age":0}');
  await d.until(() => ctx.got.some((p) => p.topic === T("event")), 2000, "event at the peer");
  const ev = ctx.got.find((p) => p.topic === T("event"))!;
  assert.equal([ev.qos, ev.retain], [1, false]);
  await ctx.peer.publishAsync(T("result"), '{"v":1,"boot":"a1b2c3d4","seq":0,"state":"ok"}', { qos: 1 });
  await d.until(() => d.messages.some((m) => m[0] === T("result")), 2000, "result at the device");
  assert.equal(d.messages.find((m) => m[0] === T("result"))![1], '{"v":1,"boot":"a1b2c3d4","seq":0,"state":"ok"}');
});

test("keepalive: with a 1 s keepalive the link lives on PINGREQ/PINGRESP through 3.5 s of silence", async () => {
  const d = device(ctx.m.port, { keepalive: 1 });
  ctx.devs.push(d);
  await d.until(() => d.link.state() === "up", 3000, "up");
  await sleep(3500);
  assert.is(d.link.state(), "up");
  assert.is(d.connects(), 1, "never reconnected");
  assert.ok(d.pings() >= 3 && d.pongs() >= 3, "pings " + d.pings() + ", pongs " + d.pongs());
});

test("a dead link (the peer stops answering, nothing closes) is noticed by the keepalive and replaced", async () => {
  const proxy = await startProxy(ctx.m.port);
  const d = device(proxy.port, { keepalive: 1 });
  ctx.devs.push(d);
  try {
    await d.until(() => d.link.state() === "up", 3000, "up");
    proxy.freeze();
    const t0 = Date.now();
    await d.until(() => d.link.state() !== "up", 4000, "the dead link noticed");
    assert.ok(Date.now() - t0 <= 2600, "within two keepalives: " + (Date.now() - t0) + " ms");
    assert.match(d.logs.join("\n"), /ping timeout/);
    await d.until(() => d.link.state() === "up" && proxy.connections() === 2, 3000, "a new connection");
  } finally {
    await proxy.close();
  }
});

test("broker restart: the device reconnects by itself, and what it published meanwhile arrives", async () => {
  const d = device(ctx.m.port);
  ctx.devs.push(d);
  await d.until(() => d.link.state() === "up", 3000, "up");
  await ctx.m.restart();
  await d.until(() => d.states.lastIndexOf("up") < d.states.length - 1, 3000, "the drop noticed");
  await d.until(() => d.link.state() === "up", 5000, "up again");
  await d.until(() => ctx.peer.connected, 3000, "peer back");
  await sleep(300); // the peer's resubscription
  await publishAcked(d, T("event"), '{"v":1,"boot":"a1b2c3d4","seq":5,"type":"pressed","age":0}');
  await d.until(() => ctx.got.some((p) => p.topic === T("event") && p.payload.toString().includes('"seq":5')), 3000, "event after restart");
});

test("the will: a device that vanishes is published offline (retained) by the broker", async () => {
  const d = device(ctx.m.port);
  await d.until(() => d.link.state() === "up", 3000, "up");
  ctx.got.length = 0;
  d.hw.dispose(); // power cut: no DISCONNECT
  await d.until(() => ctx.got.some((p) => p.topic === T("status") && p.payload.toString() === '{"v":1,"online":false}'), 3000, "the will");
});

test.run();

