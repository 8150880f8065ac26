// The link to the relay: Wi-Fi, then the broker, then the session (subscriptions, status), with its
// own timeouts and backoff at every step, because nothing on Espruino reconnects by itself.
//
//   wifi ──ip──▶ broker ──CONNACK ok, SUBACK ok──▶ up
//     ▲ timeout     │ CONNACK 4/5 or SUBACK refused ──▶ denied (slow retry: a wrong secret must not spin)
//     └── wait ◀────┴── any other failure or drop (backoff: 1 s, 2 s, 4 s ... 60 s, ±25 %)
import { Bindings, WifiSettings } from "../bindings";
import { backoff } from "./backoff";
import { createMqttClient, MqttClient } from "./mqtt/client";
import { ConnectOptions } from "./mqtt/packets";

export type LinkState = "wifi" | "broker" | "up" | "wait" | "denied" | "off";

export interface LinkOptions {
  host: string;
  port: number;
  wifi?: WifiSettings;
  mqtt: ConnectOptions;
  /** Topics to subscribe (QoS 1) on every connect. */
  subscribe: string[];
  /** Published retained (QoS 1) once subscribed: the "online" status. */
  hello: { topic: string; payload: string };
}

export interface LinkTiming {
  wifiMs: number;
  connackMs: number;
  backoffMs: number;
  backoffMaxMs: number;
  /** After the broker refused our credentials: slow, so a wrong secret does not spin. */
  deniedMs: number;
}

export interface Link {
  start(): void;
  /** Stops retrying and DISCONNECTs cleanly (the will is not published). */
  stop(): void;
  state(): LinkState;
  mqtt: MqttClient;
}

export function createLink(b: Bindings, t: LinkTiming, o: LinkOptions, changed: (s: LinkState) => void, message: (topic: string, payload: string) => void): Link {
  let st: LinkState = "off";
  let attempt = 0;
  let wifiUp = false;
  let denied = false;
  let timer: unknown;
  let gen = 0; // bumps whenever a Wi-Fi attempt is abandoned, so its late callback is ignored

  function set(s: LinkState): void {
    if (s === st) return;
    st = s;
    changed(s);
  }

  function retry(): void {
    if (st === "off") return;
    b.cancel(timer);
    const ms = denied ? t.deniedMs : backoff(attempt++, t.backoffMs, t.backoffMaxMs, Math.random());
    set(denied ? "denied" : "wait");
    timer = b.after(ms, wifiUp ? broker : wifi);
  }

  function wifi(): void {
    const g = ++gen;
    set("wifi");
    timer = b.after(t.wifiMs, () => {
      if (g !== gen) return;
      b.log("wifi: timeout");
      gen++;
      b.wifi.off();
      retry();
    });
    b.wifi.connect(o.wifi, () => {
      if (g !== gen || st === "off") return;
      b.cancel(timer);
      wifiUp = true;
      broker();
    });
  }

  function broker(): void {
    set("broker");
    mqtt.open(o.host, o.port);
  }

  const mqtt = createMqttClient(
    b,
    o.mqtt,
    t.connackMs,
    {
      up() {
        denied = false;
        mqtt.subscribe(o.subscribe, (ok) => {
          if (st !== "broker") return;
          if (!ok) {
            b.log("mqtt: subscribe refused (broker ACL?)");
            denied = true;
            mqtt.drop();
            return;
          }
          attempt = 0;
          mqtt.publish(o.hello.topic, o.hello.payload, true);
          set("up");
        });
      },
      refused(code) {
        denied = code === 4 || code === 5;
        b.log("mqtt: refused, code " + code + (denied ? " (id/secret?)" : ""));
      },
      down() {
        if (st !== "off") retry();
      },
      message: message,
    },
  );

  b.wifi.onDrop(() => {
    if (!wifiUp) return;
    b.log("wifi: lost");
    wifiUp = false;
    // A socket can outlive the radio by minutes; do not wait for the keepalive to notice.
    if (st === "up" || st === "broker") mqtt.drop();
  });

  return {
    start() {
      if (st !== "off") return;
      set("wait");
      wifi();
    },
    stop() {
      gen++;
      b.cancel(timer);
      set("off");
      mqtt.close();
    },
    state() {
      return st;
    },
    mqtt: mqtt,
  };
}
