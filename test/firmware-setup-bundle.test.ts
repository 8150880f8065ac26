// Setup mode's built bundle itself (firmware/dist/bttn-setup.js, what flash.sh writes to Storage),
// run in a Node vm whose globals stand in for Espruino's on an ESP32: require("Storage" | "Wifi" |
// "http") with Espruino's shapes (Wifi.startAP with a callback; an HTTP request object with method,
// url and data/end events), analogWrite, E.reboot. This proves the Espruino setup bindings and the
// build's property shortening in this bundle; the dialect is the gate's job.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as nodeHttp from "node:http";
import type { AddressInfo } from "node:net";
import * as vm from "node:vm";
import { buildFirmware, SETUP_BUDGET, SETUP_BUNDLE, SETUP_ENTRY } from "../firmware/scripts/build";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Board {
  storage: Map<string, string>;
  console: string[];
  ap?: [string, unknown];
  listenedOn?: number;
  url: Promise<string>;
  rebootedAt?: number;
  pwm: Record<number, number>;
  /** Colours the LED showed, as "r,g,b" duties, in order. */
  colours: string[];
  off(): void;
}

function boot(code: string, files: Record<string, string>): Board {
  const storage = new Map(Object.entries(files));
  const timers = new Set<NodeJS.Timeout>();
  let server: nodeHttp.Server | undefined;
  let gotUrl: (u: string) => void = () => {};
  const board: Board = {
    storage,
    console: [],
    pwm: {},
    colours: [],
    url: new Promise((r) => (gotUrl = r)),
    off() {
      for (const t of timers) clearTimeout(t);
      server?.close();
      server?.closeAllConnections();
    },
  };
  const Storage = {
    read: (n: string) => storage.get(n),
    write: (n: string, d: string) => (storage.set(n, String(d)), true),
    erase: (n: string) => void storage.delete(n),
  };
  const Wifi = {
    startAP(ssid: string, o: unknown, cb: (err: string | null) => void) {
      board.ap = [ssid, o];
      setTimeout(() => cb(null), 5);
    },
  };
  const http = {
    createServer(f: (req: unknown, res: unknown) => void) {
      server = nodeHttp.createServer((req, res) => {
        const on: Record<string, (x?: string) => void> = {};
        // Espruino's request: method, url, and data/end events; bodies are byte strings.
        f(
          { method: req.method, url: req.url, on: (ev: string, fn: (x?: string) => void) => void (on[ev] = fn) },
          {
            writeHead: (status: number, headers: Record<string, string>) => res.writeHead(status, headers),
            end: (d: string) => res.end(Buffer.from(d, "latin1")),
          },
        );
        req.on("data", (d: Buffer) => on.data?.(d.toString("latin1")));
        req.on("end", () => on.end?.());
      });
      return {
        listen(port: number) {
          board.listenedOn = port;
          server!.listen(0, "127.0.0.1", () => gotUrl("http://127.0.0.1:" + (server!.address() as AddressInfo).port + "/"));
        },
      };
    },
  };
  const sandbox = {
    console: { log: (...a: unknown[]) => board.console.push(a.join(" ")) },
    setTimeout: (f: () => void, ms: number) => {
      const t = setTimeout(() => (timers.delete(t), f()), ms);
      timers.add(t);
      return t;
    },
    clearTimeout: (t: NodeJS.Timeout) => (clearTimeout(t), timers.delete(t)),
    analogWrite(pin: number, v: number) {
      board.pwm[pin] = v;
      const c = [21, 22, 23].map((p) => board.pwm[p] ?? 0).join(",");
      if (board.colours[board.colours.length - 1] !== c) board.colours.push(c);
    },
    getTime: () => Date.now() / 1000,
    // The button, released (pulled up); the 10 s hold at power-on is timed against it.
    digitalRead: () => 1,
    E: { reboot: () => void (board.rebootedAt = Date.now()) },
    require(name: string) {
      const m = ({ Storage, Wifi, http } as Record<string, unknown>)[name];
      if (!m) throw new Error("Module " + name + " not found");
      return m;
    },
  };
  vm.runInNewContext(code, sandbox, { filename: "bttn-setup.js" });
  return board;
}

function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = nodeHttp.request(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode!, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("the setup bundle opens the access point, serves the page on port 80, saves a valid form and reboots", async () => {
  const built = await buildFirmware({ entry: SETUP_ENTRY, outfile: SETUP_BUNDLE, budget: SETUP_BUDGET });
  assert.ok(built.ok, built.report.join("\n"));
  const file = { id: "porch", secret: "porch-secret", relay: { host: "192.168.1.10", port: 1883 } };
  const b = boot(built.code, { "bttn.json": JSON.stringify(file) });
  try {
    const url = await b.url;
    assert.is(JSON.stringify(b.ap), JSON.stringify(["bttn-porch", { authMode: "open" }]), "an open access point named after the bttn");
    assert.is(b.listenedOn, 80);
    assert.ok(b.colours.includes("0,1,1"), "cyan, the setup pattern: " + b.colours.join(" "));
    const page = await fetch(url);
    assert.is(page.status, 200);
    assert.match(await page.text(), /<input name=ssid required/);

    const bad = await post(url, "ssid=&password=x");
    assert.is(bad.status, 400);
    assert.match(bad.text, /Wi-Fi name: required\. Nothing was saved/);
    assert.is(b.storage.get("bttn.json"), JSON.stringify(file));

    const good = await post(url, "ssid=home+net&password=pass%26word&host=relay.lan&port=1884");
    assert.is(good.status, 200);
    assert.match(good.text, /Saved/);
    assert.equal(JSON.parse(b.storage.get("bttn.json")!), { ...file, relay: { host: "relay.lan", port: 1884 }, wifi: { ssid: "home net", password: "pass&word" } });
    const savedAt = Date.now();
    for (let i = 0; i < 100 && b.rebootedAt === undefined; i++) await sleep(50);
    assert.ok(b.rebootedAt !== undefined && b.rebootedAt - savedAt >= 1500, "E.reboot() about 2 s after the save");
    assert.not.match(b.console.join("\n"), /pass&word|porch-secret/);
  } finally {
    b.off();
  }
});

test.run();
