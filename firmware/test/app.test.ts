// The app on a fake clock with a scripted broker: what a press becomes, what the LED says about it,
// what survives a reboot, when the board sleeps. The same app against the real relay is in
// test/firmware-e2e.test.ts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { DeviceFile } from "@bttn/shared";
import { AppOptions, startApp } from "../src/core/app";
import { start } from "../src/core/start";
import { brokerDouble } from "./broker-double";
import { fakeBindings, fakeClock, memStorage } from "./fakes";

const FILE: DeviceFile = { id: "kitchen", secret: "kitchen-secret", relay: { host: "relay", port: 1883 } };

function rig(file: Partial<DeviceFile> = {}, o: { wake?: "button" | "timer"; held?: boolean; storage?: ReturnType<typeof memStorage>; app?: Partial<AppOptions> } = {}) {
  const clock = fakeClock();
  const storage = o.storage ?? memStorage();
  const b = fakeBindings(clock, { wake: o.wake, storage, held: o.held });
  const broker = brokerDouble(b);
  const leds: string[] = [];
  const app = startApp(b, { ...FILE, ...file }, {
    fw: "1.2.3",
    ...o.app,
    onLed: (p, _rgb, first) => {
      if (first) leds.push(p);
    },
  });
  const result = (r: object) => broker.deliver("bttn/kitchen/result", JSON.stringify({ v: 1, boot: app.boot, ...r }));
  const tap = () => {
    b.button(true);
    clock.advance(100);
    b.button(false);
  };
  return { b, clock, storage, broker, leds, app, result, tap };
}

test("online: a press is published with its identity and age, the LED goes pending, then ok", () => {
  const r = rig();
  r.clock.advance(100);
  assert.is(r.app.link(), "up");
  const status = r.broker.published.find((p) => p.topic === "bttn/kitchen/status")!;
  assert.equal([status.payload, status.retain], ['{"v":1,"online":true,"fw":"1.2.3"}', true]);
  r.tap();
  r.clock.advance(30 + 400 + 5); // debounce, the double-press window
  const ev = r.broker.events();
  assert.equal(ev, [{ v: 1, boot: r.app.boot, seq: 0, type: "pressed", age: 530 }]);
  assert.match(r.app.boot, /^[0-9a-f]{8}$/);
  assert.is(r.leds[r.leds.length - 1], "pending");
  r.result({ seq: 0, state: "pending", wait: 20000 });
  r.clock.advance(15000); // past the first deadline, inside the announced wait
  assert.is(r.leds[r.leds.length - 1], "pending");
  r.result({ seq: 0, state: "ok", code: 200 });
  r.clock.advance(2);
  assert.is(r.leds[r.leds.length - 1], "ok");
  r.clock.advance(2000);
  assert.is(r.leds[r.leds.length - 1], "off");
  assert.is(r.app.queued(), 0, "removed from the queue at PUBACK");
  r.app.stop();
});

test("presses made while one is in flight are not lost: each is sent and answered", async () => {
  const r = rig({}, { app: {} });
  r.clock.advance(100);
  r.tap();
  r.clock.advance(500);
  r.tap();
  r.clock.advance(150);
  r.tap(); // within the double window of the second: a double press
  r.clock.advance(500);
  assert.equal(r.broker.events().map((e) => [e.seq, e.type]), [[0, "pressed"], [1, "pressed-double"]]);
  r.result({ seq: 1, state: "ok" });
  r.clock.advance(5);
  assert.is(r.leds[r.leds.length - 1], "ok");
  r.clock.advance(2000);
  assert.is(r.leds[r.leds.length - 1], "pending", "the first press is still waiting");
  r.result({ seq: 0, state: "fail", reason: "timeout" });
  r.clock.advance(5);
  assert.is(r.leds[r.leds.length - 1], "fail");
  r.app.stop();
});

test("refused credentials: the LED says denied and the device does not hammer the broker", () => {
  const r = rig();
  r.broker.refuse = 5;
  r.clock.advance(100);
  assert.is(r.app.link(), "denied");
  assert.is(r.leds[r.leds.length - 1], "denied");
  r.clock.advance(59000);
  assert.is(r.broker.sockets.length, 1);
  r.clock.advance(2000);
  assert.is(r.broker.sockets.length, 2, "one retry a minute");
  r.app.stop();
});

test("a fail result shows fail; an answer for another boot or seq changes nothing", () => {
  const r = rig();
  r.clock.advance(100);
  r.tap();
  r.clock.advance(500);
  r.broker.deliver("bttn/kitchen/result", JSON.stringify({ v: 1, boot: "00000000", seq: 0, state: "ok" }));
  r.result({ seq: 7, state: "ok" });
  r.clock.advance(5);
  assert.is(r.leds[r.leds.length - 1], "pending");
  r.result({ seq: 0, state: "fail", reason: "http", code: 500 });
  r.clock.advance(5);
  assert.is(r.leds[r.leds.length - 1], "fail");
  assert.match(r.b.logs.join("\n"), /press 0: fail http500/);
  r.app.stop();
});

test("no answer in time: fail if the broker took the press; queued (kept) if it never did", () => {
  const r = rig();
  r.clock.advance(100);
  r.tap();
  r.clock.advance(500 + 10000);
  assert.is(r.leds[r.leds.length - 1], "fail", "PUBACKed, then silence: the relay did not answer");
  r.broker.holdAcks = true;
  r.tap();
  r.clock.advance(500 + 10000);
  assert.is(r.leds[r.leds.length - 1], "queued", "never acknowledged: still queued");
  assert.is(r.app.queued(), 1);
  r.app.stop();
});

test("offline: the press is queued (LED says so), persisted, and sent on connect with its age", () => {
  const storage = memStorage();
  const r = rig({}, { storage });
  r.broker.refuse = 3; // server unavailable: not a credentials problem
  r.clock.advance(100);
  assert.is.not(r.app.link(), "up");
  r.tap();
  r.clock.advance(500);
  assert.is(r.leds[r.leds.length - 1], "queued");
  assert.match(storage.read("bttn.q")!, /"y":"pressed"/);
  r.clock.advance(5000);
  r.broker.refuse = 0;
  r.clock.advance(60000); // the backoff brings it back
  assert.is(r.app.link(), "up");
  const ev = r.broker.events();
  assert.is(ev.length, 1);
  assert.ok((ev[0].age as number) > 5000, "age counts the time offline: " + ev[0].age);
  r.clock.advance(5);
  assert.is(storage.read("bttn.q"), undefined, "gone from Storage once the broker has it");
  r.app.stop();
});

test("a reboot sends what the last boot queued, under its old identity; the new boot has a new id", () => {
  const storage = memStorage();
  const first = rig({}, { storage });
  first.broker.refuse = 3;
  first.clock.advance(100);
  first.tap();
  first.clock.advance(500);
  const oldBoot = first.app.boot;
  first.app.stop(); // power cut
  const second = rig({}, { storage });
  second.clock.advance(100);
  assert.is.not(second.app.boot, oldBoot);
  assert.equal(second.broker.events().map((e) => [e.boot, e.seq, e.type]), [[oldBoot, 0, "pressed"]]);
  second.app.stop();
});

test("the relay's config overrides the file, is kept in Storage, and applies before the next connection", () => {
  const storage = memStorage();
  const r = rig({}, { storage });
  r.clock.advance(100);
  r.broker.deliver("bttn/kitchen/config", '{"v":1,"double":false,"longMs":800}');
  r.clock.advance(5);
  assert.equal([r.app.settings.double, r.app.settings.longMs], [false, 800]);
  r.tap();
  r.clock.advance(30 + 5);
  assert.is(r.broker.events().length, 1, "double press off: sent at release, no waiting");
  r.app.stop();
  const again = rig({}, { storage });
  assert.equal([again.app.settings.double, again.app.settings.longMs], [false, 800], "from bttn.cfg, before any broker");
  again.clock.advance(100);
  again.broker.deliver("bttn/kitchen/config", "");
  again.clock.advance(5);
  assert.equal([again.app.settings.double, again.app.settings.longMs], [true, 1500], "an empty config hands back to bttn.json");
  assert.is(storage.read("bttn.cfg"), undefined);
  again.app.stop();
});

test("a bad config from the relay is ignored with a log line", () => {
  const r = rig();
  r.clock.advance(100);
  r.broker.deliver("bttn/kitchen/config", '{"v":1,"longMs":5}');
  r.clock.advance(5);
  assert.is(r.app.settings.longMs, 1500);
  assert.match(r.b.logs.join("\n"), /config ignored: longMs/);
  r.app.stop();
});

test("every event carries battery voltage and RSSI when the board has them", () => {
  const r = rig({ battery: { pin: 35, divider: 2 } });
  r.b.adcValues[35] = 0.5; // 1.65 V at the pin, 3.3 V at the battery
  r.b.rssiValue = -61;
  r.clock.advance(100);
  r.tap();
  r.clock.advance(500);
  assert.equal([r.broker.events()[0].bat, r.broker.events()[0].rssi], [3.3, -61]);
  r.b.adcValues[35] = 0.45; // 2.97 V: low
  r.result({ seq: 0, state: "ok" });
  r.clock.advance(2005);
  assert.equal(r.leds.slice(-2), ["ok", "lowbat"]);
  r.app.stop();
  const wrong = rig({ battery: { pin: 35, divider: 10 } }); // 33 V: a misconfigured divider
  wrong.b.adcValues[35] = 1;
  wrong.clock.advance(100);
  wrong.tap();
  wrong.clock.advance(500);
  assert.is(wrong.broker.events()[0].bat, undefined, "left out rather than get the press refused");
  wrong.app.stop();
});

test("awake mode: a heartbeat every heartbeatS while connected", () => {
  const r = rig({ heartbeatS: 60 });
  r.clock.advance(100);
  r.clock.advance(60000 * 3);
  const hb = r.broker.events().filter((e) => e.type === "heartbeat");
  assert.is(hb.length, 3);
  assert.equal(hb.map((e) => e.seq), [0, 1, 2]);
  r.app.stop();
});

test("sleep mode: after the result is shown, say offline, disconnect, deep-sleep with wake on the button", () => {
  const r = rig({ power: "sleep", pins: { button: 14 } }, { wake: "button", held: false });
  r.clock.advance(100);
  assert.equal(r.broker.events().map((e) => e.type), ["pressed"], "the wake was the press");
  r.result({ seq: 0, state: "ok" });
  r.clock.advance(2000 + 1500 + 1000);
  assert.ok(r.b.slept, "asleep");
  assert.is(r.b.slept!.pin, 14);
  const last = r.broker.published[r.broker.published.length - 1];
  assert.equal([last.topic, last.payload, last.retain], ["bttn/kitchen/status", '{"v":1,"online":false}', true]);
});

test("sleep mode: a wake with the button still held past longMs is a long press", () => {
  const r = rig({ power: "sleep" }, { wake: "button", held: true });
  r.clock.advance(1600);
  r.b.button(false);
  r.clock.advance(100);
  assert.equal(r.broker.events().map((e) => e.type), ["pressed-long"]);
  assert.not.ok(r.b.slept, "not before the answer");
  r.app.stop();
});

test("sleep mode without a relay: give up after 30 s and sleep with the press queued", () => {
  const storage = memStorage();
  const r = rig({ power: "sleep" }, { wake: "button", storage });
  r.broker.refuse = 3;
  r.clock.advance(29000);
  assert.not.ok(r.b.slept);
  r.clock.advance(2000);
  assert.ok(r.b.slept);
  assert.match(storage.read("bttn.q")!, /"s":0/);
});

test("a timer wake sends a heartbeat, then sleeps again", () => {
  const r = rig({ power: "sleep", heartbeatS: 3600 }, { wake: "timer" });
  r.clock.advance(100);
  assert.equal(r.broker.events().map((e) => e.type), ["heartbeat"]);
  r.clock.advance(2500);
  assert.equal(r.b.slept, { ms: 3600000, pin: 27 });
});

test("boot: a missing or broken bttn.json is said on the console and on the LED, never run", () => {
  for (const [text, why] of [[undefined, /missing/], ["{", /not valid JSON/], ['{"id":"k"}', /secret/]] as const) {
    const b = fakeBindings();
    if (text) b.storage.write("bttn.json", text);
    assert.is(start(b, { fw: "x" }), undefined);
    assert.match(b.logs.join("\n"), why);
    assert.equal(b.pwmLog.slice(0, 3), [[21, 1], [22, 0], [23, 0]], "red on the default pins");
  }
  const ok = fakeBindings();
  ok.storage.write("bttn.json", JSON.stringify({ ...FILE, wifi: { ssid: "home" } }));
  const app = start(ok, { fw: "x" });
  assert.ok(app);
  assert.not.match(ok.logs.join("\n"), /kitchen-secret/, "the secret never reaches the console");
  app!.stop();
});

test("a press resent after the link dropped before its PUBACK: the answer to the resend reaches the LED", () => {
  const r = rig();
  r.clock.advance(100);
  r.broker.holdAcks = true; // the broker takes the press but the link dies before its PUBACK
  r.tap();
  r.clock.advance(30 + 400 + 5);
  assert.equal(r.broker.events().map((e) => e.seq), [0]);
  r.broker.refuse = 3; // server unavailable: the link stays down for a while
  r.broker.sockets[r.broker.sockets.length - 1].h.close();
  const before = r.leds.length;
  r.clock.advance(11000); // past the wait for an answer
  assert.ok(r.leds.slice(before).includes("queued"), "no answer, kept for the next connection: " + r.leds.slice(before));
  r.broker.refuse = 0;
  r.broker.holdAcks = false;
  const resent = () => r.broker.published.filter((p) => p.topic === "bttn/kitchen/event" && p.dup);
  for (let i = 0; i < 700 && !resent().length; i++) r.clock.advance(100); // the link comes back; the MQTT client resends with DUP
  r.clock.advance(50);
  const sent = r.broker.published.filter((p) => p.topic === "bttn/kitchen/event");
  assert.equal([sent.length >= 2, sent[sent.length - 1].dup], [true, true], "resent with DUP");
  assert.is(r.app.queued(), 0, "PUBACK on the resend");
  r.result({ seq: 0, state: "ok", code: 200 }); // the relay answers the duplicate with what it has
  r.clock.advance(5);
  assert.is(r.leds[r.leds.length - 1], "ok");
  r.app.stop();
});

test("more presses than the MQTT client keeps unacknowledged: none is lost, each goes out once a slot frees", () => {
  const r = rig({}, { app: { queueMax: 40 } });
  r.clock.advance(100);
  r.broker.holdAcks = true;
  for (let i = 0; i < 36; i++) {
    r.tap();
    r.clock.advance(600);
  }
  assert.is(r.app.queued(), 36);
  r.broker.holdAcks = false;
  r.broker.sockets[r.broker.sockets.length - 1].h.close(); // a reconnect resends what the client holds
  r.clock.advance(70000);
  const seqs = new Set(r.broker.events().map((e) => e.seq as number));
  for (let i = 0; i < 36; i++) assert.ok(seqs.has(i), "press " + i + " was published");
  assert.is(r.app.queued(), 0, "every press was acknowledged and left the queue");
  r.app.stop();
});

test.run();
