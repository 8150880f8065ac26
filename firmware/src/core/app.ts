// The bttn: a press becomes an event (queued, published, awaited), the relay's answer becomes the
// LED, and on battery the board goes back to deep sleep as soon as there is nothing left to say.
//
// Results: the relay answers `pending` (wait ms), then `ok` or `fail`. No answer within the wait
// plus a margin shows `fail` (timeout) if the broker had accepted the press (PUBACK): QoS 1 already
// delivered it and the relay de-duplicates by (id, boot, seq), so sending it again could only repeat
// a question that was heard. A press the broker never accepted stays queued and shows `queued`; it
// goes out again on the next connection, with DUP, and the relay answers a duplicate with the
// result it already has.
import {
  decodeDeviceConfig,
  decodeResult,
  DEFAULT_PREFIX,
  DeviceFile,
  encodeEvent,
  encodeStatus,
  EventType,
  Result,
  topicFor,
} from "@bttn/shared";
import { Bindings } from "../bindings";
import { newBootId } from "./boot-id";
import { createButton } from "./button";
import { createLed } from "./led";
import { PATTERNS } from "./led-patterns";
import { createLink, LinkState } from "./link";
import { loadQueue, Queued } from "./queue";
import { applySettings, loadRelayConfig, pinsOf, RELAY_CONFIG_FILE, Settings } from "./settings";

/** Timings, all overridable (the tests shorten them); milliseconds unless named otherwise. */
export const TIMING = {
  /** Seconds between PINGREQs; a link silent for two of them is dead. */
  keepaliveS: 30,
  wifiMs: 20000,
  connackMs: 10000,
  /** First retry delay of the link; doubles up to backoffMaxMs. */
  backoffMs: 1000,
  backoffMaxMs: 60000,
  /** Retry delay after the broker refused our credentials. */
  deniedMs: 60000,
  /** How long to wait for the relay's first answer to a press. */
  resultMs: 10000,
  /** Added to the wait a `pending` result announces. */
  marginMs: 3000,
  queueMax: 20,
  /** Sleep mode: how long a wake keeps trying to reach the relay before sleeping with presses queued. */
  giveUpMs: 30000,
  /** Sleep mode: quiet time before sleeping. */
  settleMs: 1500,
};

export type Timing = typeof TIMING;

export interface AppOptions extends Partial<Timing> {
  fw: string;
  /** For the simulator and tests: every LED change, with the pattern's name. */
  onLed?(pattern: string, rgb: number, first: boolean): void;
}

export interface App {
  boot: string;
  settings: Settings;
  queued(): number;
  link(): LinkState;
  stop(): void;
}

/** Below this battery voltage the LED adds the low-battery blinks to every result. */
const LOW_BAT_V = 3.3;

interface Waiting {
  e: Queued;
  timer: unknown;
}

export function startApp(b: Bindings, file: DeviceFile, o: AppOptions): App {
  const t: Timing = Object.assign({}, TIMING, o);
  const prefix = file.prefix || DEFAULT_PREFIX;
  const topic = (k: "event" | "result" | "status" | "config"): string => topicFor(prefix, file.id, k);
  const pins = pinsOf(file);
  const led = createLed(b, [pins.red, pins.green, pins.blue], file.led === "common-anode", o.onLed);
  let relayText = b.storage.read(RELAY_CONFIG_FILE) || "";
  const s = applySettings({} as Settings, file, loadRelayConfig(b.storage));
  const boot = newBootId(b.storage, Math.random(), b.now());
  let seq = 0;
  const queue = loadQueue(b.storage, t.queueMax, b.now);
  const waiting: Waiting[] = [];
  const sent: Queued[] = []; // handed to the MQTT client this boot: it owns their resending
  const wokeAt = b.now();
  let busyAt = wokeAt;
  let heartbeatDue = b.wake() === "timer";
  let hbTimer: unknown;
  let idleTimer: unknown;
  let stopped = false;

  b.log("bttn " + file.id + " fw " + o.fw + " boot " + boot + ", queued " + queue.items.length + ", dropped " + queue.dropped);
  b.watchdog(20);

  function battery(): number | undefined {
    const bt = file.battery;
    const v = bt && b.adc(bt.pin);
    const volts = bt && v !== undefined ? Math.round(v * 330 * bt.divider) / 100 : -1;
    // A wrong divider must not get the press refused: the relay accepts `bat` only from 0 to 20 V.
    return volts >= 0 && volts <= 20 ? volts : undefined;
  }

  function event(seqNo: number, bootId: string, type: EventType, age: number): string {
    return encodeEvent({ v: 1, boot: bootId, seq: seqNo, type: type, age: age, bat: battery(), rssi: b.wifi.rssi() });
  }

  function base(): void {
    const st = link.state();
    led.show(st === "up" ? (waiting.length ? "pending" : "off") : st === "denied" ? "denied" : st === "off" ? "off" : "connecting");
  }

  function finish(w: Waiting, state: "ok" | "fail" | "queued"): void {
    const i = waiting.indexOf(w);
    if (i < 0) return;
    waiting.splice(i, 1);
    b.cancel(w.timer);
    const v = battery();
    led.show(state, v !== undefined && v < LOW_BAT_V ? "lowbat" : "");
    base();
  }

  function expect(w: Waiting, ms: number): void {
    b.cancel(w.timer);
    w.timer = b.after(ms, () => {
      const kept = queue.items.indexOf(w.e) >= 0;
      b.log("press " + w.e.s + ": no answer" + (kept ? ", kept" : ""));
      finish(w, kept ? "queued" : "fail");
    });
  }

  function send(e: Queued): void {
    if (sent.indexOf(e) >= 0) return;
    sent.push(e);
    const w: Waiting = { e: e, timer: 0 };
    waiting.push(w);
    expect(w, t.resultMs);
    // Age within what the protocol accepts (0 to 30 days), whatever the clock did meanwhile.
    const age = Math.min(2592000000, Math.max(0, Math.round(b.now() - e.t)));
    link.mqtt.publish(topic("event"), event(e.s, e.b, e.y, age), 1, false, () => {
      queue.remove(e);
      sent.splice(sent.indexOf(e), 1);
      busyAt = b.now();
    });
    base();
  }

  function heartbeat(): void {
    if (link.state() !== "up") return;
    heartbeatDue = false;
    link.mqtt.publish(topic("event"), event(seq++, boot, "heartbeat", 0), 1, false);
  }

  function scheduleHeartbeat(): void {
    b.cancel(hbTimer);
    hbTimer = 0;
    // In sleep mode the wake-up timer is the heartbeat (where the platform can wake on a timer).
    if (s.heartbeatS && !s.sleep) {
      hbTimer = b.after(s.heartbeatS * 1000, () => {
        heartbeat();
        scheduleHeartbeat();
      });
    }
  }

  function onPress(type: EventType, at: number): void {
    busyAt = b.now();
    const e: Queued = { b: boot, s: seq++, y: type, t: at };
    b.log("press " + e.s + ": " + type);
    queue.add(e);
    if (link.state() === "up") send(e);
    else led.show("queued");
  }

  function onResult(r: Result): void {
    let w: Waiting | undefined;
    for (let i = 0; i < waiting.length; i++) if (waiting[i].e.b === r.boot && waiting[i].e.s === r.seq) w = waiting[i];
    if (!w) return; // an answer to a press already shown, or to an earlier boot: nothing to say now
    busyAt = b.now();
    if (r.state === "pending") expect(w, (r.wait || 0) + t.marginMs);
    else {
      b.log("press " + r.seq + ": " + r.state + " " + (r.reason || "") + (r.code || ""));
      finish(w, r.state);
    }
  }

  function onConfig(text: string): void {
    // An empty retained config means the relay no longer sets anything: bttn.json rules again.
    const d = text ? decodeDeviceConfig(text) : undefined;
    if (d && !d.ok) {
      b.log("config ignored: " + d.error);
      return;
    }
    applySettings(s, file, d && d.value);
    if (text !== relayText) {
      relayText = text;
      if (text) b.storage.write(RELAY_CONFIG_FILE, text);
      else b.storage.erase(RELAY_CONFIG_FILE);
    }
    scheduleHeartbeat();
  }

  function onMessage(to: string, payload: string): void {
    if (to === topic("result")) {
      const d = decodeResult(payload);
      if (d.ok) onResult(d.value);
      else b.log("result ignored: " + d.error);
    } else if (to === topic("config")) onConfig(payload);
  }

  function onLink(st: LinkState): void {
    busyAt = b.now();
    if (st === "up") {
      for (let i = 0; i < queue.items.length; i++) send(queue.items[i]);
      if (heartbeatDue) heartbeat();
    }
    base();
  }

  const link = createLink(
    b,
    t,
    {
      host: file.relay.host,
      port: file.relay.port,
      wifi: file.wifi,
      mqtt: {
        clientId: file.id,
        username: file.id,
        password: file.secret,
        keepalive: t.keepaliveS,
        // A persistent session: results the relay sends while we are briefly away are kept for us.
        clean: false,
        will: { topic: topic("status"), payload: encodeStatus({ v: 1, online: false }) },
      },
      subscribe: [topic("result"), topic("config")],
      hello: { topic: topic("status"), payload: encodeStatus({ v: 1, online: true, fw: o.fw, bat: battery() }) },
    },
    onLink,
    onMessage,
  );

  const button = createButton(b, s, onPress, () => {
    busyAt = b.now();
    led.show("armed");
  });

  // Sleep mode: check twice a second whether anything is left to do; if not for settleMs, sleep.
  function busy(): boolean {
    const now = b.now();
    if (!button.idle() || waiting.length || PATTERNS[led.now()].n) return true;
    if (link.state() === "up") return queue.items.length > 0 || link.mqtt.unacked() > 0 || heartbeatDue || now - busyAt < t.settleMs;
    return now - wokeAt < t.giveUpMs;
  }

  function sleep(): void {
    const ms = s.heartbeatS * 1000;
    let done = false;
    const down = (): void => {
      if (done) return;
      done = true;
      stop();
      b.log("sleep, queued " + queue.items.length);
      b.sleep(ms, pins.button);
    };
    b.cancel(idleTimer);
    if (link.state() === "up") {
      // Asleep is offline: say so ourselves, as a clean DISCONNECT keeps the will from saying it.
      link.mqtt.publish(topic("status"), encodeStatus({ v: 1, online: false }), 1, true, down);
      b.after(2000, down);
    } else down();
  }

  function idleCheck(): void {
    idleTimer = b.after(500, () => {
      if (stopped) return;
      if (s.sleep && !busy()) sleep();
      else idleCheck();
    });
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    b.cancel(hbTimer);
    b.cancel(idleTimer);
    for (let i = 0; i < waiting.length; i++) b.cancel(waiting[i].timer);
    link.stop();
    led.show("off");
  }

  b.watch(pins.button, s.debounceMs, button.edge);
  // A press that woke the board is the press: still held, it may yet become a long press.
  if (b.wake() === "button") {
    if (b.isDown(pins.button)) button.edge(true, wokeAt);
    else onPress("pressed", wokeAt);
  }
  base();
  scheduleHeartbeat();
  idleCheck();
  link.start();

  return {
    boot: boot,
    settings: s,
    queued() {
      return queue.items.length;
    },
    link() {
      return link.state();
    },
    stop: stop,
  };
}
