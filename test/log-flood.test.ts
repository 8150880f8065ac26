// A client without any credentials must not be able to flood the relay's log or write control
// sequences into it: long user names, client ids and request paths with ESC, NUL, BEL and BS, sent
// a few hundred times, give a few short, escaped lines and summaries, not megabytes.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { connect } from "node:net";
import { request } from "node:http";
import mqttPacket from "mqtt-packet";
import { startRig, Rig } from "./support/relay-rig";
import { sleep } from "./support/temp";

const t = suite<{ rig: Rig }>("log flood");
t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", (sink) => ({ bttns: { kitchen: { secret: "kitchen-secret-1", actions: { pressed: { http: { url: sink.url("/hook") } } } } } }));
});
t.after(async (ctx) => ctx.rig?.close());

const NASTY = "\x1b[2J\x1b]0;pwned\x07\x00\x08";

function mqttLogin(port: number, username: string, clientId: string): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.on("error", () => {});
    s.once("close", () => resolve());
    s.on("data", () => s.destroy());
    s.once("connect", () => s.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId, keepalive: 60, username, password: Buffer.from("nope-nope") })));
    setTimeout(() => s.destroy(), 2000);
  });
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { "x-api-key": "bttn_" + "0".repeat(16) + "_" + "A".repeat(32) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(0));
    req.end();
  });
}

t("300 refused MQTT logins and 300 refused API calls with long, nasty values: a few short lines", async ({ rig }) => {
  const before = rig.logs.length;
  const long = (n: number) => (NASTY + "x").repeat(Math.ceil(n / (NASTY.length + 1))).slice(0, n);
  for (let i = 0; i < 300; i++) await mqttLogin(rig.mqttPort, long(1500), long(1500));
  for (let i = 0; i < 300; i++) await get(rig.relay.httpPort, "/api/v1/bttns/" + encodeURIComponent(long(3000)));
  await sleep(100);
  const lines = rig.logs.slice(before);
  const bytes = lines.reduce((a, l) => a + l.length, 0);
  assert.ok(lines.length <= 12, lines.length + " lines:\n" + lines.map((l) => l.slice(0, 160)).join("\n"));
  assert.ok(bytes < 20_000, bytes + " bytes of log");
  for (const l of lines) {
    assert.not.match(l, /[\x00-\x08\x0b-\x1f\x7f]/, "no raw control character: " + JSON.stringify(l.slice(0, 200)));
    assert.ok(l.length < 3000, "line of " + l.length + " chars");
  }
  assert.ok(lines.some((l) => l.includes("mqtt login refused") && l.includes("\\x1b[2J")), "escaped, still readable");
});

t.run();
