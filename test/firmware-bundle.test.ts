// The built bundle itself (firmware/dist/bttn.js, exactly what flash.sh puts on the board), run in a
// Node vm whose globals behave like Espruino's on an ESP32: setWatch, digitalRead, analogWrite,
// getTime, E, ESP32, numeric timer ids (and clearTimeout() without an id clearing every timer, as on
// the device), and require("Storage" | "Wifi" | "net") with byte-string sockets over real TCP. It
// meets the real relay. This is where the Espruino bindings and the build's property shortening are
// proven; the dialect itself is the gate's job.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as net from "node:net";
import * as vm from "node:vm";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildFirmware } from "../firmware/scripts/build";
import { pattern, PATTERNS } from "../firmware/src/core/led-patterns";
import { relayOnPort, RelayOnPort } from "../firmware/test/net-helpers";
import { startSink, WebhookSink } from "./support/webhook-sink";

const SECRET = "kitchen-secret-bundle";
const ctx = {} as { code: string; r: RelayOnPort; sink: WebhookSink };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Board {
  storage: Map<string, string>;
  console: string[];
  /** Duty by pin, as analogWrite left it. */
  pwm: Record<number, number>;
  /** Colours the LED showed, as [r, g, b] duty triples, in order. */
  colours: string[];
  watchdog?: [number, boolean];
  deepSleep?: [number, number];
  /** The Storage file load() was asked to run. */
  loaded?: string;
  /** Drives the button: pressed pulls the pin low. */
  button(down: boolean): void;
  off(): void;
}

/** Boots the bundle on an emulated ESP32; `adc` is what analogRead answers (the battery divider's pin). */
function boot(code: string, files: Record<string, string>, o: { wake?: number; held?: boolean; adc?: number } = {}): Board {
  const storage = new Map(Object.entries(files));
  const timers = new Map<number, NodeJS.Timeout>();
  const sockets = new Set<net.Socket>();
  let nextTimer = 1;
  let dead = false;
  let level = o.held ? 0 : 1;
  let watch: ((e: { state: boolean; time: number }) => void) | undefined;
  const board: Board = {
    storage,
    console: [],
    pwm: {},
    colours: [],
    button(down) {
      level = down ? 0 : 1;
      watch?.({ state: !!level, time: Date.now() / 1000 });
    },
    off() {
      // Power off: nothing of this board may run again (a socket's close event would otherwise
      // start a reconnect, and two boards with one client id would take turns kicking each other).
      dead = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
    },
  };
  const setTimeoutE = (f: () => void, ms: number) => {
    const id = nextTimer++;
    if (!dead) timers.set(id, setTimeout(() => (timers.delete(id), f()), ms));
    return id;
  };
  const clearTimeoutE = (id?: number) => {
    if (id === undefined) {
      // Espruino: clearTimeout() with no id clears ALL timeouts. The firmware must never do this.
      board.console.push("!! clearTimeout() without an id");
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      return;
    }
    clearTimeout(timers.get(id));
    timers.delete(id);
  };
  const Storage = {
    read: (n: string) => storage.get(n),
    write: (n: string, d: string) => (storage.set(n, String(d)), true),
    erase: (n: string) => void storage.delete(n),
  };
  const wifiHandlers: Array<() => void> = [];
  const Wifi = {
    connect(ssid: string, opts: { password?: string }, cb: (err: string | null) => void) {
      assert.type(ssid, "string");
      assert.type(opts, "object");
      setTimeoutE(() => cb(null), 20);
    },
    disconnect() {},
    on(ev: string, f: () => void) {
      assert.is(ev, "disconnected");
      wifiHandlers.push(f);
    },
    getStatus: () => ({ rssi: -58 }),
  };
  const Net = {
    connect(o: { host: string; port: number }, cb: () => void) {
      const s = net.connect(o.port, o.host);
      sockets.add(s);
      const handlers: Record<string, Array<(x?: unknown) => void>> = {};
      const emit = (ev: string, x?: unknown) => void (!dead && (handlers[ev] ?? []).forEach((f) => f(x)));
      s.on("connect", () => cb());
      s.on("data", (d) => emit("data", d.toString("latin1")));
      s.on("error", () => emit("error", { message: "error" }));
      s.on("close", () => (sockets.delete(s), emit("close")));
      return {
        write: (d: string) => (assert.type(d, "string"), s.write(Buffer.from(d, "latin1")), true),
        end: () => s.end(),
        on: (ev: string, f: (x?: unknown) => void) => ((handlers[ev] ??= []).push(f), undefined),
      };
    },
  };
  const sandbox = {
    console: { log: (...a: unknown[]) => board.console.push(a.join(" ")) },
    setTimeout: setTimeoutE,
    clearTimeout: clearTimeoutE,
    getTime: () => Date.now() / 1000,
    setWatch(f: (e: { state: boolean; time: number }) => void, pin: number, opts: { repeat: boolean; edge: string; debounce: number }) {
      assert.equal([pin, opts.repeat, opts.edge, typeof opts.debounce], [27, true, "both", "number"], "setWatch options as Espruino reads them");
      watch = f;
      return 1;
    },
    digitalRead: () => level,
    analogWrite(pin: number, v: number) {
      board.pwm[pin] = v;
      const c = [21, 22, 23].map((p) => Math.round((board.pwm[p] ?? 0) * 255)).join(",");
      if (board.colours[board.colours.length - 1] !== c) board.colours.push(c);
    },
    analogRead: () => o.adc ?? 0.6,
    load: (file?: string) => void (board.loaded = file),
    E: { enableWatchdog: (s: number, auto: boolean) => void (board.watchdog = [s, auto]) },
    ESP32: { getWakeupCause: () => o.wake ?? 0, deepSleepExt0: (pin: number, lvl: number) => void (board.deepSleep = [pin, lvl]) },
    require(name: string) {
      const m = ({ Storage, Wifi, net: Net } as Record<string, unknown>)[name];
      if (!m) throw new Error("Module " + name + " not found");
      return m;
    },
  };
  vm.runInNewContext(code, sandbox, { filename: "bttn.js" });
  return board;
}

async function until(what: () => boolean, ms: number, label: string, b: Board): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error("timed out waiting for " + label + "\nconsole: " + b.console.join("\n"));
    await sleep(10);
  }
}

function deviceFile(extra: object = {}): Record<string, string> {
  return { "bttn.json": JSON.stringify({ id: "kitchen", secret: SECRET, relay: { host: "127.0.0.1", port: ctx.r.mqttPort }, wifi: { ssid: "home", password: "wifi-pass" }, battery: { pin: 35, divider: 2 }, ...extra }) };
}

test.before(async () => {
  const built = await buildFirmware();
  assert.ok(built.ok, built.report.join("\n"));
  ctx.code = built.code;
  ctx.sink = await startSink();
  // /slow answers after 400 ms (the relay sends `pending` after 100 ms); /broken answers 500.
  ctx.sink.respond((req, res) => {
    if (req.url === "/broken") res.writeHead(500).end("no");
    else if (req.url === "/slow") setTimeout(() => res.end("ok"), 400);
    else res.end("ok");
  });
  ctx.r = await relayOnPort({
    bttns: {
      kitchen: { secret: SECRET, actions: { pressed: { http: { method: "POST", url: ctx.sink.url("/hook"), format: "json", args: { bat: "x" } } } } },
      hall: { secret: SECRET, actions: { pressed: { http: { url: ctx.sink.url("/slow") } }, "pressed-long": { http: { url: ctx.sink.url("/broken") } } } },
    },
  });
});

test.after(async () => {
  await ctx.r.close();
  await ctx.sink.close();
});

test("the bundle boots, connects, and a press on the pin becomes a webhook and a green LED", async () => {
  const b = boot(ctx.code, deviceFile());
  try {
    assert.equal(b.watchdog, [20, true]);
    await until(() => b.console.some((l) => /^bttn kitchen fw \d+\.\d+\.\d+ boot [0-9a-f]{8}/.test(l)), 2000, "the boot line", b);
    await until(() => ctx.r.relay.events !== undefined && b.colours.includes("0,0,255"), 2000, "connecting (blue)", b);
    await sleep(500); // connected by now on loopback
    b.button(true);
    await sleep(100);
    b.button(false);
    await until(() => ctx.sink.received.length === 1, 5000, "the webhook", b);
    await until(() => b.colours[b.colours.length - 1] === "0,255,0", 3000, "green", b);
    const ev = (await ctx.r.relay.events.feed("kitchen", {}))[0];
    assert.equal([ev.type, ev.seq, ev.bat, ev.rssi], ["pressed", 0, 3.96, -58], "battery and RSSI from analogRead and Wifi.getStatus");
    assert.ok(b.storage.has("bttn.n"), "the boot counter is in Storage");
    assert.not.ok(b.console.some((l) => l.includes("!!")), b.console.join("\n"));
    assert.not.ok(b.console.join("\n").includes(SECRET) || b.console.join("\n").includes("wifi-pass"), "no secret on the console");
  } finally {
    b.off();
  }
});

test("sleep mode: a wake by the button is the press; after the answer the board deep-sleeps on the button pin", async () => {
  const b = boot(ctx.code, deviceFile({ power: "sleep" }), { wake: 2, held: false });
  try {
    await until(() => b.deepSleep !== undefined, 10000, "deep sleep", b);
    assert.equal(b.deepSleep, [27, 0], "ESP32.deepSleepExt0(button, low)");
    assert.ok(ctx.sink.received.length >= 2, "the wake press fired the webhook");
    assert.ok(b.colours.includes("0,255,0"), "ok was shown before sleeping");
  } finally {
    b.off();
  }
});

test("no Wi-Fi settings in bttn.json: the bundle loads setup mode's file, or without it runs on the board's own Wi-Fi", async () => {
  const files = deviceFile({ wifi: undefined });
  const b = boot(ctx.code, { ...files, "bttn-setup.js": "(function(){})();" });
  try {
    await sleep(300);
    assert.is(b.loaded, "bttn-setup.js");
    assert.is(b.watchdog, undefined, "normal mode did not start");
  } finally {
    b.off();
  }
  const without = boot(ctx.code, files);
  try {
    await until(() => without.console.some((l) => /no setup mode/.test(l)), 2000, "the console line", without);
    await until(() => without.console.some((l) => /^bttn kitchen fw/.test(l)), 2000, "normal mode", without);
    assert.is(without.loaded, undefined);
  } finally {
    without.off();
  }
});

test("a broken bttn.json: the console says why, the LED shows slow red, nothing connects", async () => {
  const b = boot(ctx.code, { "bttn.json": '{"id":"kitchen"}' });
  try {
    await sleep(100);
    assert.match(b.console.join("\n"), /bttn\.json: secret: must be a non-empty string/);
    assert.is(b.colours[0], "255,0,0");
  } finally {
    b.off();
  }
});

/** The LED table of firmware/README.md: pattern names in its first column. */
function readmePatterns(): string[] {
  const text = readFileSync(join(import.meta.dirname, "..", "firmware", "README.md"), "utf8");
  const table = text.slice(text.indexOf("## The LED"), text.indexOf("Looping patterns are states"));
  return [...table.matchAll(/^\| `([a-z]+)` \|/gm)].map((m) => m[1]);
}

const rgbText = (rgb: number) => [(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255].join(",");

test("every LED pattern of the README's table plays through the built bundle (none is renamed away by the build)", async () => {
  const names = readmePatterns();
  assert.equal(names.sort(), Object.keys(PATTERNS).sort(), "the README's table is the pattern table");
  const hall = (extra: object = {}) => ({ "bttn.json": JSON.stringify({ id: "hall", secret: SECRET, relay: { host: "127.0.0.1", port: ctx.r.mqttPort }, wifi: { ssid: "home" }, battery: { pin: 35, divider: 2 }, ...extra }) });
  const seen = new Set<string>();
  const played = (b: Board) => b.colours.forEach((c) => seen.add(c));
  // Online, battery low: a slow action (pending, then ok, then lowbat), a long press (armed) whose action fails (fail).
  const b1 = boot(ctx.code, hall(), { adc: 0.4 });
  try {
    await sleep(500);
    b1.button(true);
    await sleep(100);
    b1.button(false);
    await until(() => b1.colours.includes(rgbText(pattern("ok")!.s[0])), 5000, "ok", b1);
    await until(() => b1.colours.includes(rgbText(pattern("lowbat")!.s[0])), 3000, "lowbat after the result", b1);
    await sleep(2500);
    b1.button(true);
    await until(() => b1.colours.includes(rgbText(pattern("armed")!.s[0])), 3000, "armed", b1);
    b1.button(false);
    await until(() => b1.console.some((l) => /press 1: fail http/.test(l)), 5000, "the long press failing", b1);
    await sleep(100);
    played(b1);
  } finally {
    b1.off();
  }
  // The relay unreachable: a press is kept (queued).
  const closed = net.createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
  const port = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const b2 = boot(ctx.code, hall({ relay: { host: "127.0.0.1", port } }));
  try {
    await sleep(200);
    b2.button(true);
    await sleep(100);
    b2.button(false);
    await until(() => b2.colours.includes(rgbText(pattern("queued")!.s[0])), 3000, "queued", b2);
    played(b2);
  } finally {
    b2.off();
  }
  // A wrong secret: denied.
  const b3 = boot(ctx.code, hall({ secret: "not-the-secret" }));
  try {
    await until(() => b3.console.some((l) => /refused, code [45]/.test(l)), 3000, "refused", b3);
    await sleep(100);
    played(b3);
  } finally {
    b3.off();
  }
  // `setup` is setup mode's, a bundle of its own: test/firmware-setup-bundle.test.ts sees it play.
  for (const name of names.filter((n) => n !== "setup")) {
    const first = rgbText(pattern(name)!.s[0]);
    assert.ok(seen.has(first), name + " (" + first + ") was never shown; colours seen: " + [...seen].join(" "));
  }
  const all = b1.console.concat(b2.console, b3.console).join("\n");
  assert.not.match(all, /led: no pattern/, "every pattern name the firmware shows is in the table");
});

test.run();
