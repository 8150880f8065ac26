// What the device check asks of the firmware on the real interpreter, in order: each scenario
// starts where the one before left the bttn. A scenario throws to fail; what it returns is its
// one-line account. Timeouts are generous: the machine may be busy, and nothing here is a speed test.
import { BTTN_ID, World } from "./world";
import { Device } from "./device";
import { flash, PREAMBLE_FILE, prepare } from "./board";

export interface Context {
  dev: Device;
  world: World;
  bundle: Buffer;
  /** Extra lines for the output (JsVars). */
  say(line: string): void;
  /** JsVars in use with the preamble alone (what a real board does not spend). */
  bare?: number;
  /** The boot id the firmware logged at its last start. */
  boot?: string;
}

export interface Scenario {
  name: string;
  run(c: Context): Promise<string>;
}

/** What the firmware should use at most once connected, with its code loaded from Storage. */
export const JSVARS_GOAL = 1500;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function check(cond: unknown, msg: string): void {
  if (!cond) throw new Error(msg);
}

/** The relay's "message rejected" warnings so far: the device must cause none (but with a wrong secret). */
const rejected = (w: World) => w.logs.filter((l) => /message rejected/.test(l));

async function pressFor(c: Context, ms: number, want: "ok" | "fail", label: string): Promise<void> {
  const since = c.dev.shown().length;
  c.dev.press(ms);
  const got = await c.dev.waitFor(["ok", "fail"], since, 15000);
  check(got === want, label + ": the LED showed " + got + ", expected " + want);
}

/** Waits for `n` webhook calls beyond `before`. */
async function hooks(c: Context, before: number, n: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (c.world.sink.received.length < before + n) {
    if (Date.now() > end) throw new Error("expected " + n + " webhook call(s), got " + (c.world.sink.received.length - before));
    await sleep(50);
  }
}

/** The count, and the firmware's own share of it (without the preamble's). */
function jsVarsLine(c: Context, n: number): string {
  return n + (c.bare !== undefined ? ", the firmware's own " + (n - c.bare) : "");
}

const thisBoot = async (c: Context) => (await c.world.events()).filter((e) => e.boot === c.boot);

export const SCENARIOS: Scenario[] = [
  {
    name: "boot from Storage",
    async run(c) {
      await prepare(c.dev.it);
      // The preamble alone, loaded: what the firmware's own JsVars are counted above.
      c.dev.it.run("load()");
      await sleep(500);
      c.bare = await c.dev.jsVars();
      c.say("JsVars in use with the preamble (" + PREAMBLE_FILE + ") alone: " + c.bare);
      const since = c.dev.logs.length;
      c.dev.newBoot();
      await flash(c.dev.it, c.world.device, c.bundle);
      const line = await c.dev.waitLog(/^bttn \S+ fw \S+ boot \S+/, since, 10000);
      c.boot = /boot (\S+?),/.exec(line)?.[1];
      check(c.boot, "no boot id in: " + line);
      return line;
    },
  },
  {
    name: "the relay sees the bttn online",
    async run(c) {
      const end = Date.now() + 20000;
      while (!c.world.logs.some((l) => /bttn online/.test(l) && l.includes(BTTN_ID))) {
        if (Date.now() > end) throw new Error("the relay never logged the bttn online" + (rejected(c.world).length ? "; it rejected: " + rejected(c.world)[0] : ""));
        await sleep(100);
      }
      await sleep(1000);
      c.say("JsVars in use after connecting: " + jsVarsLine(c, await c.dev.jsVars()) + " (the goal: at most " + JSVARS_GOAL + ")");
      return "online, status accepted; LED: " + c.dev.shown().map((s) => s.name).join(",");
    },
  },
  {
    name: "20 presses, all answered ok",
    async run(c) {
      const before = c.world.sink.received.length;
      for (let i = 0; i < 20; i++) {
        await pressFor(c, 100, "ok", "press " + i);
        await sleep(2100); // the green lasts 2 s: a second "ok" within it would not change the LED
      }
      await hooks(c, before, 20, 5000);
      await sleep(500);
      check(c.world.sink.received.length === before + 20, "webhook calls: " + (c.world.sink.received.length - before) + ", expected 20");
      const seqs = (await thisBoot(c)).map((e) => e.seq);
      check(JSON.stringify(seqs) === JSON.stringify([...Array(20).keys()]), "the relay's events have seq " + seqs.join(",") + ", expected 0..19 once each");
      c.say("JsVars in use after the presses: " + jsVarsLine(c, await c.dev.jsVars()));
      return "seq 0..19, 20 webhook calls, 20 times ok";
    },
  },
  {
    name: "long and double presses",
    async run(c) {
      const before = c.world.sink.received.length;
      let since = c.dev.shown().length;
      c.dev.press(2200);
      check((await c.dev.waitFor(["armed"], since, 5000)) === "armed", "no armed cue");
      check((await c.dev.waitFor(["ok", "fail"], since, 15000)) === "ok", "long press: not ok");
      await sleep(2100);
      since = c.dev.shown().length;
      c.dev.presses([80, 150, 80]);
      check((await c.dev.waitFor(["ok", "fail"], since, 15000)) === "ok", "double press: not ok");
      await hooks(c, before, 2, 5000);
      const urls = c.world.sink.received.slice(before).map((r) => r.url);
      check(JSON.stringify(urls) === '["/hook/long","/hook/double"]', "webhooks: " + urls.join(","));
      const types = (await thisBoot(c)).slice(-2).map((e) => e.type);
      check(JSON.stringify(types) === '["pressed-long","pressed-double"]', "event types: " + types.join(","));
      await sleep(2100);
      return "armed then ok (pressed-long), ok (pressed-double)";
    },
  },
  {
    name: "a failing action shows fail",
    async run(c) {
      c.world.sink.respond((_q, res) => {
        res.statusCode = 500;
        res.end("broken");
      });
      try {
        await pressFor(c, 100, "fail", "press against HTTP 500");
      } finally {
        c.world.sink.respond((_q, res) => res.end("ok"));
      }
      await sleep(2000);
      return "HTTP 500 → fail (three red blinks)";
    },
  },
  {
    name: "a virtual press (the console's Press button) shows on the LED",
    async run(c) {
      const before = c.world.sink.received.length;
      const since = c.dev.shown().length;
      c.world.relay.relay.pipeline.pressVirtually(c.world.relay.relay.bttns.get(BTTN_ID)!, "pressed");
      const got = await c.dev.waitFor(["ok", "fail"], since, 15000);
      check(got === "ok", "virtual press: the LED showed " + got + ", expected ok");
      check(c.world.sink.received.length === before + 1, "virtual press: expected one webhook call");
      await sleep(2000);
      return "a result for a press the device did not make (boot 0000) → ok, nothing awaited";
    },
  },
  {
    name: "offline presses are delivered once",
    async run(c) {
      const before = c.world.sink.received.length;
      const seqBefore = (await thisBoot(c)).length;
      let since = c.dev.shown().length;
      await c.world.relay.stop();
      try {
        await c.dev.waitFor(["connecting"], since, 10000);
        for (let i = 0; i < 3; i++) {
          since = c.dev.shown().length;
          c.dev.press(100);
          await c.dev.waitFor(["queued"], since, 5000);
          await sleep(400);
        }
        await sleep(1000);
        check(c.world.sink.received.length === before, "a webhook fired while the relay was down");
      } finally {
        await c.world.relay.start(); // the scenarios after this one need it, pass or fail
      }
      await hooks(c, before, 3, 60000);
      await sleep(3000); // anything sent twice arrives meanwhile
      const n = c.world.sink.received.length - before;
      check(n === 3, "webhook calls after the relay came back: " + n + ", expected 3");
      const late = (await thisBoot(c)).slice(seqBefore);
      const seqs = late.map((e) => e.seq);
      check(late.length === 3 && new Set(seqs).size === 3, "the relay's new events: seq " + seqs.join(","));
      return "3 presses queued (magenta), delivered once each after the relay returned (seq " + seqs.join(",") + ", ages " + late.map((e) => e.age).join(",") + " ms)";
    },
  },
  {
    name: "a Wi-Fi drop: queued, then delivered",
    async run(c) {
      await sleep(2500);
      const before = c.world.sink.received.length;
      const logs = c.dev.logs.length;
      c.dev.dropWifi();
      try {
        await c.dev.waitLog(/wifi: lost/, logs, 5000);
        const since = c.dev.shown().length;
        c.dev.press(100);
        await c.dev.waitFor(["queued"], since, 5000);
        await sleep(2000);
        check(c.world.sink.received.length === before, "a webhook fired without Wi-Fi");
      } finally {
        c.dev.restoreWifi();
      }
      await hooks(c, before, 1, 90000);
      await sleep(2000);
      check(c.world.sink.received.length === before + 1, "webhook calls: " + (c.world.sink.received.length - before) + ", expected 1");
      return "wifi: lost → press queued → Wi-Fi back → delivered once";
    },
  },
  {
    name: "a wrong secret is refused and shown",
    async run(c) {
      const before = c.world.sink.received.length;
      const logs = c.dev.logs.length;
      c.dev.newBoot();
      await flash(c.dev.it, { ...c.world.device, secret: "not-the-" + c.world.device.secret.slice(0, 8) });
      const line = await c.dev.waitLog(/mqtt: refused/, logs, 20000);
      await c.dev.waitFor(["denied"], 0, 10000);
      c.dev.press(100);
      await sleep(3000);
      check(c.world.sink.received.length === before, "a webhook fired for a refused bttn");
      return line.trim() + "; LED denied";
    },
  },
];

export { rejected };
