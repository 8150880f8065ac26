// The embedded broker's listener under hostile connections: a client announcing a 256 MB packet
// and streaming bytes, a first packet that is not a CONNECT, an oversized PUBLISH after login, a
// silent connection, keepalive 0, and more connections waiting to log in than allowed. Each is cut
// at once (or at its timeout), memory stays flat, and a real device keeps working meanwhile.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { connect, Socket } from "node:net";
import mqttPacket from "mqtt-packet";
import { startRig, Rig } from "./support/relay-rig";
import { startRelayProcess, RelayProcess } from "./support/relay-process";
import { startSink, WebhookSink } from "./support/webhook-sink";
import { connectDevice } from "./support/device";
import { openSocket } from "./support/sockets";
import { sleep, tempDir, waitFor } from "./support/temp";
import { DEFAULT_MQTT_LIMITS } from "../relay/src/bus/mqtt-limits";

const SECRET = "kitchen-secret-1";
const config = (sink: WebhookSink) => ({ bttns: { kitchen: { secret: SECRET, actions: { pressed: { http: { url: sink.url("/hook") } } } } } });
const connectPacket = (keepalive = 60) =>
  mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: "kitchen.raw", keepalive, username: "kitchen", password: Buffer.from(SECRET) });

// ---- memory: the relay in its own process, so its RSS is its own --------------------------------

const mem = suite<{ relay: RelayProcess; sink: WebhookSink; dir: { path: string; remove(): void } }>("mqtt listener: memory under attack");
mem.before(async (ctx) => {
  ctx.sink = await startSink();
  ctx.dir = tempDir("listener");
  ctx.relay = await startRelayProcess({ dataDir: ctx.dir.path, config: config(ctx.sink), mqttPort: 0, httpPort: 0, host: "127.0.0.1", logLevel: "info" });
});
mem.after(async (ctx) => {
  await ctx.relay?.close();
  await ctx.sink?.close();
  ctx.dir?.remove();
});

/**
 * One attacker: connects, announces a CONNECT of 256 MB and streams 64 KB chunks until the relay
 * cuts it, then does it again; stops after `budget` bytes or at `until`. Resolves with the count of
 * connections it made.
 */
async function attacker(port: number, budget: number, until: number): Promise<number> {
  const chunk = Buffer.alloc(65536, 0x41);
  let sent = 0;
  let connections = 0;
  while (sent < budget && Date.now() < until) {
    connections++;
    await new Promise<void>((done) => {
      const s = connect(port, "127.0.0.1");
      let closed = false;
      s.on("error", () => {});
      s.once("close", () => ((closed = true), done()));
      s.once("connect", async () => {
        s.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
        while (!closed && sent < budget && Date.now() < until) {
          sent += chunk.length;
          if (!s.write(chunk))
            await new Promise<void>((r) => {
              const go = () => (s.off("drain", go), s.off("close", go), r());
              s.on("drain", go);
              s.on("close", go);
            });
        }
        s.destroy();
      });
    });
  }
  return connections;
}

mem("ten clients streaming a 256 MB CONNECT: RSS stays near idle, a device still presses", async ({ relay }) => {
  // Warm up: a device logs in and presses once, so idle includes what a normal press costs.
  const d0 = await connectDevice({ port: relay.mqttPort, id: "kitchen", secret: SECRET });
  assert.is((await d0.result(await d0.press())).state, "ok");
  await d0.close();
  await sleep(300);
  const idle = relay.rssMb();
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, relay.rssMb())), 50);
  const until = Date.now() + 4000;
  const attacks = Array.from({ length: 10 }, () => attacker(relay.mqttPort, 40 * 1024 * 1024, until));
  try {
    await sleep(500);
    // During the attack a real device logs in and presses.
    const d = await connectDevice({ port: relay.mqttPort, id: "kitchen", secret: SECRET });
    const r = await d.result(await d.press(), ["ok", "fail"], 10_000);
    assert.is(r.state, "ok");
    await d.close();
  } finally {
    const connections = (await Promise.all(attacks)).reduce((a, b) => a + b, 0);
    clearInterval(sampler);
    peak = Math.max(peak, relay.rssMb());
    if (process.env.BTTN_TEST_VERBOSE) console.log("relay RSS idle " + idle.toFixed(1) + " MB, peak " + peak.toFixed(1) + " MB; " + connections + " attacking connections");
    assert.ok(peak - idle < 30, "RSS grew from " + idle.toFixed(0) + " MB to " + peak.toFixed(0) + " MB");
    assert.ok(connections > 10, "the relay cut the attackers, who came back: " + connections + " connections");
  }
  await waitFor(() => relay.logs().find((l) => l.includes("mqtt connection dropped") && l.includes("a CONNECT of 268435455 bytes")), 3000, "the drop logged");
  // Logged once, then summarised: not one line per connection.
  assert.ok(relay.logs().filter((l) => l.includes("mqtt connection dropped")).length <= 2, "one line (and a summary) per address");
});

// ---- the other bounds: an in-process relay with small limits ------------------------------------

const limits = { connectTimeoutMs: 500, maxKeepaliveS: 1, maxPendingLogins: 4 };
const t = suite<{ rig: Rig }>("mqtt listener: bounds");
t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", config, {}, { mqttLimits: limits });
});
t.after(async (ctx) => ctx.rig?.close());

/** A raw TCP client to the relay's MQTT port. */
function raw(rig: Rig): Promise<{ socket: Socket; received: () => Buffer; closedAfter: (ms: number) => Promise<number> }> {
  return openSocket(rig.mqttPort).then((o) => {
    let got = Buffer.alloc(0);
    o.socket.on("data", (d: Buffer) => (got = Buffer.concat([got, d])));
    return { socket: o.socket, received: () => got, closedAfter: o.closedAfter };
  });
}

t("the defaults: CONNECT ≤ 4 KiB, later packets ≤ 1 KiB payload + headers, 64 pending, 5 s, 300 s", () => {
  assert.equal({ ...DEFAULT_MQTT_LIMITS }, { maxConnectBytes: 4096, maxPacketBytes: 2048, maxPendingLogins: 64, connectTimeoutMs: 5000, maxKeepaliveS: 300 });
});

t("a first packet that is not a CONNECT is cut at its header", async ({ rig }) => {
  const c = await raw(rig);
  // A PUBLISH announcing 100 KB, of which only a few bytes come: the broker would wait for the rest.
  c.socket.write(Buffer.from([0x30, 0x80, 0x80, 0x06, 0x00, 0x04, 0x61, 0x62]));
  const ms = await c.closedAfter(3000);
  assert.ok(ms < 400, "closed after " + ms + " ms (the connect timeout is 500)");
  await waitFor(() => rig.logs.find((l) => l.includes("mqtt connection dropped") && l.includes("the first packet is not a CONNECT")), 2000, "drop logged");
});

t("a PUBLISH over the bound after login is cut at its header; the device logs in again and presses", async ({ rig }) => {
  const c = await raw(rig);
  c.socket.write(connectPacket());
  await waitFor(() => c.received().length >= 4, 2000, "CONNACK");
  assert.is(c.received()[3], 0, "logged in");
  const before = rig.sink.received.length;
  // A PUBLISH announcing 1 MB on the bttn's own event topic, with its first KB.
  const header = mqttPacket.generate({ cmd: "publish", topic: "bttn/kitchen/event", payload: Buffer.alloc(1024 * 1024, 0x41), qos: 0, retain: false, dup: false });
  c.socket.write(header.subarray(0, 1024));
  const ms = await c.closedAfter(5000);
  assert.ok(ms < 1000, "closed " + ms + " ms after connecting");
  assert.is(rig.sink.received.length, before);
  await waitFor(() => rig.logs.find((l) => l.includes("mqtt connection dropped") && /a packet of \d+ bytes \(at most 20\d\d\)/.test(l)), 2000, "drop logged");
  const d = await rig.device("kitchen");
  assert.is((await d.result(await d.press())).state, "ok");
  await d.close();
});

t("a connection that sends nothing, or half a CONNECT, is closed at the connect timeout", async ({ rig }) => {
  const silent = await raw(rig);
  const half = await raw(rig);
  half.socket.write(connectPacket().subarray(0, 10));
  const [a, b] = await Promise.all([silent.closedAfter(4000), half.closedAfter(4000)]);
  for (const ms of [a, b]) assert.ok(ms >= 400 && ms < 2500, "closed after " + ms + " ms (timeout 500)");
});

t("keepalive 0 (never) is replaced by the maximum: a silent logged-in client is closed", async ({ rig }) => {
  for (const keepalive of [0, 3600]) {
    const c = await raw(rig);
    c.socket.write(connectPacket(keepalive));
    await waitFor(() => c.received().length >= 4, 2000, "CONNACK");
    assert.is(c.received()[3], 0, "logged in");
    // Max 1 s: closed after 1.5 keepalives of silence.
    const ms = await c.closedAfter(6000);
    assert.ok(ms >= 1000 && ms < 4000, "keepalive " + keepalive + ": closed after " + ms + " ms");
  }
});

t("more connections waiting to log in than allowed: the extra one is closed at once", async ({ rig }) => {
  const waiting = await Promise.all(Array.from({ length: limits.maxPendingLogins }, () => raw(rig)));
  await sleep(50);
  const extra = await raw(rig);
  const ms = await extra.closedAfter(2000);
  assert.ok(ms < 300, "closed after " + ms + " ms");
  await waitFor(() => rig.logs.find((l) => l.includes("too many connections waiting to log in")), 2000, "refusal logged");
  for (const w of waiting) w.socket.destroy();
  await sleep(50);
  // Slots free again: a device logs in (logged-in connections do not count).
  const d = await rig.device("kitchen");
  const d2 = await connectDevice({ port: rig.mqttPort, id: "kitchen", secret: SECRET });
  assert.is((await d2.result(await d2.press())).state, "ok");
  await d2.close();
  await d.close();
});

t("a protocol error is logged at info, not debug", async ({ rig }) => {
  const c = await raw(rig);
  // A CONNECT whose protocol name is not MQTT: the parser refuses it.
  c.socket.write(Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x58, 0x58, 0x58, 0x58, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00]));
  assert.ok((await c.closedAfter(2000)) < 2000);
  await waitFor(() => rig.logs.find((l) => / info  mqtt client error .*error=/.test(l)), 2000, "an info line");
});

mem.run();
t.run();
