// Test doubles for the core's unit tests: a clock that moves only when told, and bindings whose
// timers run on it. The hardware parts record what the core did to them.
import mqttPacket from "mqtt-packet";
import type { Bindings, SocketHandlers, Storage, WakeCause } from "../src/bindings";

export interface FakeClock {
  now(): number;
  after(ms: number, f: () => void): number;
  cancel(t: unknown): void;
  /** Runs every timer due within `ms`, in order, moving the clock to each. */
  advance(ms: number): void;
  /** Timers waiting. */
  pending(): number;
}

export function fakeClock(start = 1_000_000): FakeClock {
  let t = start;
  let lastId = 0;
  let timers: { id: number; at: number; f: () => void }[] = [];
  return {
    now: () => t,
    after(ms, f) {
      const id = ++lastId;
      timers.push({ id, at: t + Math.max(0, ms), f });
      return id;
    },
    cancel(id) {
      timers = timers.filter((x) => x.id !== id);
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        let next: (typeof timers)[number] | undefined;
        for (const x of timers) if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.id < next.id))) next = x;
        if (!next) break;
        timers = timers.filter((x) => x !== next);
        t = next.at;
        next.f();
      }
      t = end;
    },
    pending: () => timers.length,
  };
}

export function memStorage(): Storage & { files: Map<string, string>; writes: number } {
  const files = new Map<string, string>();
  const s = {
    files,
    writes: 0,
    read: (n: string) => files.get(n),
    write: (n: string, d: string) => {
      s.writes++;
      files.set(n, d);
    },
    erase: (n: string) => void files.delete(n),
  };
  return s;
}

export interface FakeSocket {
  host: string;
  port: number;
  h: SocketHandlers;
  written: string[];
  ended: boolean;
}

/** The MQTT packets the core wrote to a fake socket, decoded by mqtt-packet (an independent codec). */
export function writtenPackets(s: FakeSocket): mqttPacket.Packet[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const out: mqttPacket.Packet[] = [];
  parser.on("packet", (p) => out.push(p));
  parser.parse(Buffer.from(s.written.join(""), "latin1"));
  return out;
}

export interface FakeBindings extends Bindings {
  clock: FakeClock;
  pwmLog: [number, number][];
  sockets: FakeSocket[];
  logs: string[];
  wifiCalls: number;
  wifiDone?: () => void;
  drops: Array<() => void>;
  slept?: { ms: number; pin: number };
  /** The button's level as isDown reports it; `button()` also runs the watch callbacks. */
  held: boolean;
  button(down: boolean): void;
  adcValues: Record<number, number>;
  rssiValue?: number;
  /** Whether setup mode is on the board, and how often it was asked for. */
  setupOnBoard: boolean;
  setups: number;
}

export function fakeBindings(clock = fakeClock(), o: { wake?: WakeCause; storage?: Storage; held?: boolean } = {}): FakeBindings {
  const watchers: Array<(down: boolean, t: number) => void> = [];
  const b: FakeBindings = {
    held: !!o.held,
    button(down) {
      b.held = down;
      for (const f of watchers) f(down, clock.now());
    },
    adcValues: {},
    clock,
    pwmLog: [],
    sockets: [],
    logs: [],
    wifiCalls: 0,
    drops: [],
    now: clock.now,
    after: clock.after,
    cancel: clock.cancel,
    watch: (_pin, _ms, f) => void watchers.push(f),
    isDown: () => b.held,
    pwm: (pin, duty) => void b.pwmLog.push([pin, duty]),
    adc: (pin) => b.adcValues[pin],
    connect(host, port, h) {
      const s: FakeSocket = { host, port, h, written: [], ended: false };
      b.sockets.push(s);
      return { write: (d) => void s.written.push(d), end: () => void (s.ended = true) };
    },
    wifi: {
      connect(_w, done) {
        b.wifiCalls++;
        b.wifiDone = done;
      },
      off() {},
      onDrop: (f) => void b.drops.push(f),
      rssi: () => b.rssiValue,
    },
    storage: o.storage ?? memStorage(),
    wake: () => o.wake ?? "",
    sleep(ms, pin) {
      b.slept = { ms, pin };
    },
    watchdog() {},
    log: (m) => void b.logs.push(m),
    setupOnBoard: true,
    setups: 0,
    setup() {
      b.setups++;
      return b.setupOnBoard;
    },
  };
  return b;
}
