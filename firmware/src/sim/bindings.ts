// The bindings on Node, for the simulator and the tests. Only the hardware is pretend: the button
// is pressed by a call, the LED's duty cycles are recorded, Wi-Fi is up unless a test says
// otherwise, Storage is a Map or a directory, and deep sleep just stops. Timers are real, and so
// is TCP: the core talks to a real broker through node:net.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { join } from "node:path";
import { SETUP_BODY_MAX } from "../bindings";
import type { Bindings, SetupBindings, Storage, WakeCause, WifiSettings } from "../bindings";

export interface SimOptions {
  storage?: Storage;
  /** Why this "boot" happened. */
  wake?: WakeCause;
  /** The button is held at boot (a wake by the button, still pressed). */
  heldAtBoot?: boolean;
  /** Wi-Fi comes up when asked (default true). */
  wifi?: boolean;
  rssi?: number;
  /** ADC readings 0..1 by pin. */
  adc?: Record<number, number>;
  log?: (msg: string) => void;
  onSleep?: (ms: number, pin: number) => void;
  /** Setup mode asked for (bindings.setup()); without it the board has no setup mode. */
  onSetup?: () => void;
  /** The board asked for a restart (setup mode saved its settings). */
  onRestart?: () => void;
  /** Setup mode's page is served at this URL (loopback, a free port). */
  onServe?: (url: string) => void;
}

export interface SimHardware {
  /** Normal mode's bindings and setup mode's, on the same pretend hardware. */
  bindings: Bindings & SetupBindings;
  /** Drives the button: down or up, now. */
  button(down: boolean): void;
  /** PWM duty by pin, as last written. */
  pwm: Record<number, number>;
  /** Whether Wi-Fi connects; dropping it runs the drop handlers. */
  setWifi(up: boolean): void;
  /** The last deep sleep asked for. */
  slept?: { ms: number; pin: number };
  /** Every Wi-Fi connect asked for, with its settings. */
  wifiTried: Array<WifiSettings | undefined>;
  /** The access point's name while setup mode runs one. */
  ap?: string;
  /** Cancels every timer and closes every socket still open (a test's clean-up). */
  dispose(): void;
}

export function memoryStorage(files?: Map<string, string>): Storage & { files: Map<string, string> } {
  const m = files ?? new Map<string, string>();
  return {
    files: m,
    read: (name) => m.get(name),
    write: (name, data) => void m.set(name, data),
    erase: (name) => void m.delete(name),
  };
}

/** Storage files kept in a directory, so a simulated device keeps its queue across runs. */
export function dirStorage(dir: string): Storage {
  mkdirSync(dir, { recursive: true });
  const path = (name: string) => join(dir, name.replace(/[^A-Za-z0-9._-]/g, "_"));
  return {
    read: (name) => (existsSync(path(name)) ? readFileSync(path(name), "latin1") : undefined),
    write: (name, data) => writeFileSync(path(name), data, "latin1"),
    erase: (name) => rmSync(path(name), { force: true }),
  };
}

export function simHardware(o: SimOptions = {}): SimHardware {
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<net.Socket>();
  const servers: http.Server[] = [];
  const watches: Array<(down: boolean, t: number) => void> = [];
  const drops: Array<() => void> = [];
  let wifiUp = o.wifi ?? true;
  let held = !!o.heldAtBoot;
  let disposed = false;

  const after = (ms: number, f: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!disposed) f();
    }, ms);
    timers.add(t);
    return t;
  };

  const hw: SimHardware = {
    pwm: {},
    wifiTried: [],
    bindings: {
      now: () => Date.now(),
      after,
      cancel: (t) => {
        if (!t) return;
        clearTimeout(t as NodeJS.Timeout);
        timers.delete(t as NodeJS.Timeout);
      },
      watch: (_pin, _debounceMs, f) => void watches.push(f),
      isDown: () => held,
      pwm: (pin, duty) => void (hw.pwm[pin] = duty),
      adc: (pin) => o.adc?.[pin],
      connect(host, port, h) {
        const s = net.connect({ host, port });
        sockets.add(s);
        s.setNoDelay(true); // Nagle costs 10-40 ms per QoS 1 round trip
        s.on("connect", () => h.open());
        s.on("data", (d: Buffer) => h.data(d.toString("latin1")));
        s.on("error", () => {}); // `close` follows every error
        s.on("close", () => {
          sockets.delete(s);
          if (!disposed) h.close();
        });
        return {
          write: (d) => void (s.writable && s.write(Buffer.from(d, "latin1"))),
          end: () => void s.destroy(),
        };
      },
      wifi: {
        connect(w, done) {
          hw.wifiTried.push(w);
          if (wifiUp) after(5, done);
        },
        off() {},
        onDrop: (f) => void drops.push(f),
        rssi: () => (wifiUp ? o.rssi : undefined),
      },
      storage: o.storage ?? memoryStorage(),
      wake: () => o.wake ?? "",
      sleep(ms, pin) {
        hw.slept = { ms, pin };
        o.onSleep?.(ms, pin);
      },
      watchdog() {},
      log: o.log ?? ((m) => console.log("[bttn] " + m)),
      setup() {
        if (!o.onSetup) return false;
        o.onSetup();
        return true;
      },
      ap(ssid) {
        hw.ap = ssid;
      },
      serve(f) {
        // The device's port 80 on the access point becomes a free port on loopback.
        const server = http.createServer((req, res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let done = false;
          const reply = (status: number, html: string): void => {
            if (done || disposed) return;
            done = true;
            res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", Connection: "close" });
            res.end(Buffer.from(html, "latin1")); // a byte string, as on the device
          };
          req.on("data", (d: Buffer) => {
            size += d.length;
            if (size > SETUP_BODY_MAX) reply(413, "too large");
            else chunks.push(d);
          });
          req.on("end", () => {
            if (!done && !disposed) f(req.method ?? "", req.url ?? "", Buffer.concat(chunks).toString("latin1"), reply);
          });
        });
        servers.push(server);
        server.listen(0, "127.0.0.1", () => {
          const url = "http://127.0.0.1:" + (server.address() as net.AddressInfo).port + "/";
          hw.bindings.log("setup page (the access point's http://192.168.4.1/): " + url);
          o.onServe?.(url);
        });
      },
      restart() {
        o.onRestart?.();
      },
      normal() {
        // On the board: load() runs normal mode's bundle again on an emptied interpreter.
        o.onRestart?.();
      },
    },
    button(down) {
      held = down;
      for (const f of watches) f(down, Date.now());
    },
    setWifi(up) {
      const was = wifiUp;
      wifiUp = up;
      if (was && !up) for (const f of drops) f();
    },
    dispose() {
      disposed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      sockets.clear();
      for (const s of servers.splice(0)) {
        s.close();
        s.closeAllConnections();
      }
    },
  };
  return hw;
}
