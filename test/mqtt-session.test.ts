// One bttn must not touch another bttn's MQTT session. The broker keys sessions by client id, so
// bttn "kitchen", logging in with its own secret but the client id of bttn "kitchen-door" (the id
// the firmware uses), could kick it off, keep kicking it, read its queued results, or wipe them.
// Each is refused at CONNACK (2, identifier rejected), and the victim's session stays whole.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import mqtt, { MqttClient } from "mqtt";
import { decodeResult, encodeEvent, topicFor } from "@bttn/shared";
import { startRig, Rig } from "./support/relay-rig";
import { sleep, waitFor } from "./support/temp";

const KITCHEN = "kitchen-secret-1";
const DOOR = "door-secret-12";
const VICTIM = "kitchen-door"; // the victim's client id: its bttn id, as the firmware sends it
const RESULT = topicFor("bttn", VICTIM, "result");

const t = suite<{ rig: Rig }>("mqtt sessions belong to their bttn");
t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", (sink) => ({
    bttns: {
      kitchen: { secret: KITCHEN, actions: { pressed: { http: { url: sink.url("/hook") } } } },
      [VICTIM]: { secret: DOOR, actions: { pressed: { http: { url: sink.url("/hook") } } } },
    },
  }));
});
t.after(async (ctx) => ctx.rig?.close());

interface Login {
  client?: MqttClient;
  /** CONNACK return code (0: accepted). */
  code: number;
  sessionPresent: boolean;
  messages: string[];
}

/** Logs in as `username` with `clientId`; resolves at CONNACK, whatever it says. */
function login(rig: Rig, username: string, password: string, clientId: string, clean: boolean): Promise<Login> {
  return new Promise((resolve) => {
    const messages: string[] = [];
    const client = mqtt.connect({ host: "127.0.0.1", port: rig.mqttPort, username, password, clientId, clean, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 3000 });
    client.on("message", (_topic, payload) => messages.push(payload.toString()));
    client.once("connect", (ack) => resolve({ client, code: 0, sessionPresent: ack.sessionPresent, messages }));
    client.once("error", (err: Error & { code?: number }) => {
      client.end(true);
      resolve({ code: err.code ?? -1, sessionPresent: false, messages });
    });
  });
}

const attack = (rig: Rig, clean = true) => login(rig, "kitchen", KITCHEN, VICTIM, clean);

function end(c?: MqttClient): Promise<void> {
  return new Promise((res) => (c && c.connected ? c.end(false, {}, () => res()) : (c?.end(true), res())));
}

/** The victim with a persistent session subscribed to its results, then offline with one result queued. */
async function victimWithQueuedResult(rig: Rig, payload: string): Promise<void> {
  const v = await login(rig, VICTIM, DOOR, VICTIM, false);
  assert.is(v.code, 0);
  await v.client!.subscribeAsync(RESULT, { qos: 1 });
  await end(v.client);
  await sleep(100);
  rig.relay.bus.publish(RESULT, payload, false); // the relay answers a press while the bttn is away
  await sleep(100);
}

t("kick: another bttn's login with the victim's client id is refused; the victim stays connected", async ({ rig }) => {
  const v = await login(rig, VICTIM, DOOR, VICTIM, true);
  assert.is(v.code, 0);
  let closes = 0;
  v.client!.on("close", () => closes++);
  const a = await attack(rig);
  await sleep(300);
  assert.is(closes, 0, "the victim was not kicked");
  assert.ok(v.client!.connected);
  assert.is(a.code, 2, "CONNACK 2: identifier rejected");
  await end(a.client);
  await waitFor(() => rig.logs.find((l) => l.includes("mqtt login refused") && l.includes("client=kitchen-door") && l.includes("bttn=kitchen ")), 2000, "refusal logged");
  await end(v.client);
});

t("kick loop: twenty attempts in a row never take the victim off", async ({ rig }) => {
  const v = await login(rig, VICTIM, DOOR, VICTIM, true);
  let closes = 0;
  v.client!.on("close", () => closes++);
  const codes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const a = await attack(rig);
    codes.push(a.code);
    await end(a.client);
  }
  await sleep(200);
  assert.is(closes, 0, "the victim was never kicked");
  assert.ok(codes.every((c) => c === 2), "all refused: " + codes.join(","));
  // And it still presses.
  await v.client!.subscribeAsync(RESULT, { qos: 1 });
  await v.client!.publishAsync(topicFor("bttn", VICTIM, "event"), encodeEvent({ v: 1, boot: "b00f", seq: 1, type: "pressed", age: 0 }), { qos: 1 });
  await waitFor(() => v.messages.find((m) => { const r = decodeResult(m); return r.ok && r.value.state === "ok"; }), 5000, "the victim's result").catch((e) => {
    throw new Error(e.message + ": " + JSON.stringify(v.messages) + "\n" + rig.logs.slice(-5).join("\n"));
  });
  await end(v.client);
});

t("reading queued results: the attacker gets no session and no result; the victim gets its result", async ({ rig }) => {
  await victimWithQueuedResult(rig, "queued-for-the-victim-1");
  const a = await attack(rig, false);
  await sleep(200);
  assert.equal(a.messages, [], "the attacker read nothing");
  assert.is(a.code, 2);
  await end(a.client);
  const v = await login(rig, VICTIM, DOOR, VICTIM, false);
  assert.ok(v.sessionPresent, "the session is still there");
  await waitFor(() => v.messages.includes("queued-for-the-victim-1"), 2000, "the queued result");
  await end(v.client);
});

t("wiping a session: a clean login with the victim's id is refused; the queued result survives", async ({ rig }) => {
  await victimWithQueuedResult(rig, "queued-for-the-victim-2");
  const a = await attack(rig, true);
  await end(a.client);
  const v = await login(rig, VICTIM, DOOR, VICTIM, false);
  assert.ok(v.sessionPresent, "not wiped");
  assert.is(a.code, 2);
  await waitFor(() => v.messages.includes("queued-for-the-victim-2"), 2000, "the queued result");
  await end(v.client);
  // Leave no persistent session behind.
  await end((await login(rig, VICTIM, DOOR, VICTIM, true)).client);
});

t("a bttn's own forms are accepted: its id, and its id with a '.' suffix; not another bttn's suffix form", async ({ rig }) => {
  for (const id of ["kitchen", "kitchen.phone", "kitchen.a-1_b"]) {
    const l = await login(rig, "kitchen", KITCHEN, id, true);
    assert.is(l.code, 0, id);
    await end(l.client);
  }
  for (const id of ["kitchen-door.x", "kitchen.", "mqttjs_1234", ""]) assert.is((await login(rig, "kitchen", KITCHEN, id, true)).code, 2, JSON.stringify(id));
});

t.run();
