// Hostile and broken input: each case is logged with its reason, nothing fires, the relay keeps
// running and the next good press still works.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { encodeEvent, encodeStatus } from "@bttn/shared";
import { startRig, Rig } from "./support/relay-rig";
import { connectDevice } from "./support/device";
import { sleep, waitFor } from "./support/temp";

const SECRET = "kitchen-secret-1";

function badInput(kind: "embedded" | "mosquitto") {
  const t = suite<{ rig: Rig }>("bad input on " + kind);
  t.before(async (ctx) => {
    ctx.rig = await startRig(
      kind,
      (sink) => ({ bttns: { kitchen: { secret: SECRET, actions: { pressed: { http: { url: sink.url("/hook") } } } } } }),
      // A broker account with no bttn behind it: only an external broker can carry such events.
      { ghost: "ghost-secret-1" },
    );
  });
  t.after(async (ctx) => ctx.rig?.close());

  const cases: Array<[string, string | Buffer, RegExp]> = [
    ["non-JSON payload", "hello", /why="payload: not valid JSON"/],
    ["JSON of the wrong shape", JSON.stringify({ v: 1, boot: "abcd", seq: "x", type: "pressed", age: 0 }), /why="seq: must be a non-negative integer"/],
    ["a JSON array", "[1,2,3]", /why="payload: must be a JSON object"/],
    ["unknown protocol version", JSON.stringify({ v: 9, boot: "abcd", seq: 1, type: "pressed", age: 0 }), /why="v: unsupported protocol version 9/],
    ["oversize payload", Buffer.alloc(1500, 0x41), /why="payload: 1500 bytes, larger than 1024"/],
    ["a status payload on the event topic", encodeStatus({ v: 1, online: true }), /why="payload is a status message on an event topic"/],
    ["an unknown event type", JSON.stringify({ v: 1, boot: "abcd", seq: 1, type: "exploded", age: 0 }), /why="type: must be one of/],
  ];
  for (const [name, payload, expected] of cases) {
    t(name + " is logged and dropped", async ({ rig }) => {
      const d = await rig.device("kitchen");
      const before = rig.sink.received.length;
      await d.raw("bttn/kitchen/event", payload);
      await waitFor(() => rig.logs.find((l) => l.includes("message rejected") && expected.test(l)), 3000, "log line " + expected);
      // Still alive and well: a good press goes through.
      const r = await d.result(await d.press("pressed"));
      assert.is(r.state, "ok");
      assert.is(rig.sink.received.length, before + 1);
      await d.close();
    });
  }

  t("a malformed status is logged and dropped", async ({ rig }) => {
    const d = await rig.device("kitchen");
    await d.raw("bttn/kitchen/status", JSON.stringify({ v: 1, online: "maybe" }));
    await waitFor(() => rig.logs.find((l) => l.includes("message rejected") && l.includes("online: must be true or false")), 3000, "status rejection");
    await d.close();
  });

  if (kind === "mosquitto") {
    t("an event for a bttn that is not in the config", async ({ rig }) => {
      const g = await connectDevice({ port: rig.mqttPort, id: "ghost", secret: "ghost-secret-1" });
      await g.raw("bttn/ghost/event", encodeEvent({ v: 1, boot: "abcd", seq: 0, type: "pressed", age: 0 }));
      await waitFor(() => rig.logs.find((l) => l.includes("message rejected") && l.includes('no bttn with id \\"ghost\\" is configured')), 3000, "unknown bttn log");
      await g.close();
    });
  }

  if (kind === "embedded") {
    t("wrong device password is refused at CONNACK", async ({ rig }) => {
      const err = await connectDevice({ port: rig.mqttPort, id: "kitchen", secret: "wrong-secret" }).then(
        () => undefined,
        (e: Error & { code?: number }) => e,
      );
      assert.ok(err, "connect must fail");
      assert.match(err!.message, /Bad username or password|Not authorized/i);
      const unknown = await connectDevice({ port: rig.mqttPort, id: "nobody", secret: "whatever-1" }).then(() => undefined, (e: Error) => e);
      assert.ok(unknown);
      await waitFor(() => rig.logs.find((l) => l.includes("mqtt login refused") && l.includes("why=\"wrong secret\"")), 2000, "refusal log");
      assert.not.ok(rig.logs.some((l) => l.includes("wrong-secret")), "the offered password is not logged");
    });

    t("a bttn publishing to another bttn's topic is refused and nothing fires", async ({ rig }) => {
      await rig.relay.bttns.create("intruder", "api", "intruder-secret-1", {});
      const intruder = await connectDevice({ port: rig.mqttPort, id: "intruder", secret: "intruder-secret-1", subscribe: false });
      const before = rig.sink.received.length;
      const closed = new Promise<void>((res) => intruder.client.once("close", () => res()));
      intruder.client.publish("bttn/kitchen/event", encodeEvent({ v: 1, boot: "abcd", seq: 7, type: "pressed", age: 0 }), { qos: 1 });
      await closed; // the broker drops a client that publishes where it may not
      await sleep(100);
      assert.is(rig.sink.received.length, before);
      assert.ok(rig.logs.some((l) => l.includes("mqtt publish refused") && l.includes("topic=bttn/kitchen/event")));
      await intruder.close();
    });

    t("a bttn cannot subscribe to another bttn's results", async ({ rig }) => {
      const intruder = await connectDevice({ port: rig.mqttPort, id: "intruder", secret: "intruder-secret-1", subscribe: false });
      // SUBACK 0x80 (failure); mqtt.js reports it as a subscribe error.
      for (const topic of ["bttn/kitchen/result", "bttn/#", "bttn/+/result"]) {
        const err = await intruder.client.subscribeAsync(topic, { qos: 1 }).then(() => undefined, (e: Error) => e);
        assert.ok(err, topic + " must be refused");
        assert.match(err!.message, /Subscribe error/);
      }
      const own = await intruder.client.subscribeAsync("bttn/intruder/result", { qos: 1 });
      assert.is(own[0].qos, 1);
      await intruder.close();
    });

    t("a bttn added while the relay runs can connect at once; removed, it is cut off", async ({ rig }) => {
      await rig.relay.bttns.create("newcomer", "api", "newcomer-secret-1", {});
      const d = await connectDevice({ port: rig.mqttPort, id: "newcomer", secret: "newcomer-secret-1" });
      const closed = new Promise<void>((res) => d.client.once("close", () => res()));
      await rig.relay.bttns.remove("newcomer");
      await closed;
      await d.close();
    });
  }
  return t;
}

badInput("embedded").run();
badInput("mosquitto").run();
