// Guessing bttn secrets over MQTT: after five failed logins from one address that address is locked
// out (here 500 ms, doubling; 2 s and up to 60 s by default), even with the right secret, while the
// same bttn logs in from another address as usual. The lockout is logged once per address.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { connect } from "node:net";
import mqttPacket from "mqtt-packet";
import { startRig, Rig } from "./support/relay-rig";
import { sleep } from "./support/temp";

const SECRET = "kitchen-secret-1";

const t = suite<{ rig: Rig }>("mqtt login throttle");
t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", (sink) => ({ bttns: { kitchen: { secret: SECRET, actions: { pressed: { http: { url: sink.url("/hook") } } } } } }), {}, { loginThrottle: { lockoutMs: 500, maxLockoutMs: 2000 } });
});
t.after(async (ctx) => ctx.rig?.close());

/** Logs in over raw TCP from `from` (a loopback address); the CONNACK return code. */
function login(rig: Rig, from: string, secret: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = connect({ port: rig.mqttPort, host: "127.0.0.1", localAddress: from });
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const timer = setTimeout(() => (s.destroy(), reject(new Error("no CONNACK from " + from))), 3000);
    parser.on("packet", (p) => {
      if (p.cmd !== "connack") return;
      clearTimeout(timer);
      s.destroy();
      resolve(p.returnCode ?? -1);
    });
    s.on("data", (d) => parser.parse(d));
    s.on("error", () => {});
    s.once("connect", () => s.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: "kitchen", keepalive: 60, username: "kitchen", password: Buffer.from(secret) })));
  });
}

t("five failures lock the address out, even for the right secret; other addresses log in", async ({ rig }) => {
  for (let i = 0; i < 5; i++) assert.is(await login(rig, "127.0.0.1", "guess-" + i + "-xxxx"), 4, "bad user name or password");
  assert.is(await login(rig, "127.0.0.1", SECRET), 3, "locked out: server unavailable, try later");
  assert.is(await login(rig, "127.0.0.2", SECRET), 0, "the bttn from elsewhere");
  await sleep(600);
  assert.is(await login(rig, "127.0.0.1", SECRET), 0, "after the lockout the right secret works, and resets the count");
  for (let i = 0; i < 4; i++) assert.is(await login(rig, "127.0.0.1", "guess-" + i + "-xxxx"), 4);
  assert.is(await login(rig, "127.0.0.1", SECRET), 0, "four failures are not enough");
});

t("each lockout doubles; the address is logged once, the rest summarised", async ({ rig }) => {
  const from = "127.0.0.3";
  for (let i = 0; i < 5; i++) await login(rig, from, "guess-xxxx");
  assert.is(await login(rig, from, SECRET), 3);
  await sleep(600);
  assert.is(await login(rig, from, "guess-again"), 4, "one more failure after the first lockout");
  await sleep(600);
  assert.is(await login(rig, from, SECRET), 3, "the second lockout lasts 1 s");
  await sleep(500);
  assert.is(await login(rig, from, SECRET), 0);
  const mine = rig.logs.filter((l) => l.includes("from=" + from));
  assert.is(mine.filter((l) => l.includes("locked out after repeated failures")).length, 1, "the lockout logged once");
  assert.is(mine.filter((l) => l.includes("mqtt login refused") && l.includes('why="wrong secret"')).length, 1, "refusals summarised: " + mine.join("\n"));
  for (const l of rig.logs) assert.not.ok(l.includes("guess-"), "no offered secret in the log");
});

t.run();
