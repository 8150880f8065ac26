// A device made of the firmware's link (Wi-Fi + MQTT client + session) on the Node bindings, with
// counters for what went over the wire: the subject of test/firmware-mqtt-*.test.ts.
import { encodeStatus, topicFor } from "@bttn/shared";
import { createLink, Link, LinkState } from "../src/core/link";
import { simHardware, SimHardware } from "../src/sim/bindings";

export const ID = "kitchen";
export const SECRET = "kitchen-secret-42";
export const T = (k: "event" | "result" | "status" | "config") => topicFor("bttn", ID, k);
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Dev {
  hw: SimHardware;
  link: Link;
  states: LinkState[];
  messages: [string, string][];
  logs: string[];
  pings: () => number;
  pongs: () => number;
  connects: () => number;
  until(what: () => boolean, ms: number, label: string): Promise<void>;
  stop(): void;
}

export function device(port: number, o: { secret?: string; keepalive?: number } = {}): Dev {
  const logs: string[] = [];
  const hw = simHardware({ log: (m) => logs.push(m) });
  let pings = 0;
  let pongs = 0;
  let connects = 0;
  const connect = hw.bindings.connect;
  hw.bindings.connect = (host, p, h) => {
    connects++;
    const s = connect(host, p, { open: h.open, close: h.close, data: (d) => ((pongs += d.split("\xd0\x00").length - 1), h.data(d)) });
    return { write: (d) => ((pings += d === "\xc0\x00" ? 1 : 0), s.write(d)), end: s.end };
  };
  const states: LinkState[] = [];
  const messages: [string, string][] = [];
  const link = createLink(
    hw.bindings,
    { wifiMs: 1000, connackMs: 2000, backoffMs: 100, backoffMaxMs: 400, deniedMs: 60000 },
    {
      host: "127.0.0.1",
      port,
      mqtt: { clientId: ID, username: ID, password: o.secret ?? SECRET, keepalive: o.keepalive ?? 30, clean: false, will: { topic: T("status"), payload: encodeStatus({ v: 1, online: false }) } },
      subscribe: [T("result"), T("config")],
      hello: { topic: T("status"), payload: encodeStatus({ v: 1, online: true, fw: "test" }) },
    },
    (s) => states.push(s),
    (t, p) => messages.push([t, p]),
  );
  link.start();
  return {
    hw,
    link,
    states,
    messages,
    logs,
    pings: () => pings,
    pongs: () => pongs,
    connects: () => connects,
    async until(what, ms, label) {
      const end = Date.now() + ms;
      while (!what()) {
        if (Date.now() > end) throw new Error("timed out waiting for " + label + " (states " + states.join(",") + "; log " + logs.join(" | ") + ")");
        await sleep(10);
      }
    },
    stop() {
      link.stop();
      hw.dispose();
    },
  };
}

/** Publishes QoS 1 and resolves when the broker has acknowledged it (PUBACK). */
export function publishAcked(d: Dev, topic: string, payload: string): Promise<void> {
  return new Promise((resolve) => d.link.mqtt.publish(topic, payload, false, resolve));
}

