// The bttn, wired: the button's presses go to the press tracker (presses.ts), which publishes them
// over the link (link.ts) and turns the relay's answers into the LED's verdicts; heartbeats and the
// relay's config are handled here; on battery the sleeper (sleep.ts) puts the board back to deep
// sleep as soon as there is nothing left to say.
import {
  decodeDeviceConfig,
  decodeResult,
  DEFAULT_PREFIX,
  DeviceFile,
  encodeEvent,
  encodeStatus,
  EventType,
  SHOWN_BOOT,
  topicFor,
} from "@bttn/shared";
import { Bindings } from "../bindings";
import { newBootId } from "./boot-id";
import { createButton } from "./button";
import { createLed } from "./led";
import { repeats } from "./led-patterns";
import { createLink, LinkState } from "./link";
import { createPresses } from "./presses";
import { loadQueue } from "./queue";
import { startSleeper } from "./sleep";
import { applySettings, loadRelayConfig, pinsOf, RELAY_CONFIG_FILE, Settings } from "./settings";

/**
 * Timings, all overridable (the tests shorten them); milliseconds unless named otherwise. A function,
 * not a constant, so the defaults are garbage once merged: on the device a table that lives as long
 * as the program costs a JsVar per entry.
 */
function timing() {
  return {
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
}

export type Timing = ReturnType<typeof timing>;

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

export function startApp(b: Bindings, file: DeviceFile, o: AppOptions): App {
  const t: Timing = Object.assign(timing(), o);
  const prefix = file.prefix || DEFAULT_PREFIX;
  const topic = (k: "event" | "result" | "status" | "config"): string => topicFor(prefix, file.id, k);
  const pins = pinsOf(file);
  const led = createLed(b, [pins.red, pins.green, pins.blue], file.led === "common-anode", o.onLed);
  let relayText = b.storage.read(RELAY_CONFIG_FILE) || "";
  const s = applySettings({} as Settings, file, loadRelayConfig(b.storage));
  const boot = newBootId(b.storage, Math.random(), b.now());
  let seq = 0;
  const queue = loadQueue(b.storage, t.queueMax, b.now);
  const wokeAt = b.now();
  let busyAt = wokeAt; // last press, answer or link change: sleep mode waits settleMs after it
  let heartbeatDue = b.wake() === "timer";
  let hbTimer: unknown;

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

  /** The LED's state pattern, from the link and the presses awaited. */
  function base(): void {
    const st = link.state();
    led.show(st === "up" ? (presses.waiting() ? "pending" : "off") : st === "denied" ? "denied" : st === "off" ? "off" : "connecting");
  }

  /** A press's outcome on the LED (low battery shown with it). */
  function verdict(state: "ok" | "fail" | "queued"): void {
    busyAt = b.now();
    const v = battery();
    led.show(state, v !== undefined && v < LOW_BAT_V ? "lowbat" : "");
  }

  const presses = createPresses(b, t, queue, {
    send(e, acked) {
      // Age within what the protocol accepts (0 to 30 days), whatever the clock did meanwhile.
      const age = Math.min(2592000000, Math.max(0, Math.round(b.now() - e.t)));
      return link.mqtt.publish(topic("event"), event(e.s, e.b, e.y, age), false, () => {
        busyAt = b.now();
        acked();
      });
    },
    up() {
      return link.state() === "up";
    },
    verdict: verdict,
    changed: base,
  });

  function heartbeat(): void {
    if (link.state() !== "up") return;
    heartbeatDue = false;
    link.mqtt.publish(topic("event"), event(seq++, boot, "heartbeat", 0), false);
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
    presses.add({ b: boot, s: seq++, y: type, t: at });
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
      if (!d.ok) b.log("result ignored: " + d.error);
      else if (d.value.boot === SHOWN_BOOT) {
        // A press made without us (the console's Press button): shown, nothing awaited.
        if (d.value.state !== "pending") verdict(d.value.state);
      } else {
        busyAt = b.now();
        presses.answer(d.value);
      }
    } else if (to === topic("config")) onConfig(payload);
  }

  function onLink(st: LinkState): void {
    busyAt = b.now();
    if (st === "up") {
      presses.flush();
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

  let stopped = false;
  function stop(): void {
    if (stopped) return;
    stopped = true;
    b.cancel(hbTimer);
    sleeper.stop();
    presses.stop();
    link.stop();
    led.show("off");
  }

  const sleeper = startSleeper(b, {
    idle() {
      const now = b.now();
      const news = led.now();
      if (!s.sleep || !button.idle() || presses.waiting() || (news && repeats(news))) return false;
      if (link.state() === "up") return !queue.items.length && !link.mqtt.unacked() && !heartbeatDue && now - busyAt >= t.settleMs;
      return now - wokeAt >= t.giveUpMs;
    },
    goodbye(done) {
      b.log("sleep, queued " + queue.items.length);
      if (link.state() !== "up") return false;
      link.mqtt.publish(topic("status"), encodeStatus({ v: 1, online: false }), true, done);
      return true;
    },
    down() {
      stop();
      b.sleep(s.heartbeatS * 1000, pins.button);
    },
  });

  b.watch(pins.button, s.debounceMs, button.edge);
  // A press that woke the board is the press: still held, it may yet become a long press.
  if (b.wake() === "button") {
    if (b.isDown(pins.button)) button.edge(true, wokeAt);
    else onPress("pressed", wokeAt);
  }
  base();
  scheduleHeartbeat();
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
