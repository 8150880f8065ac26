// A test device: an MQTT client that speaks the bttn protocol through @bttn/shared, the way the
// firmware does (QoS 1 events, results and config subscribed, retained status with a will).
import mqtt, { MqttClient } from "mqtt";
import { randomBytes } from "node:crypto";
import { decodeResult, encodeEvent, encodeStatus, EventType, Result, topicFor } from "@bttn/shared";

export interface TestDevice {
  id: string;
  boot: string;
  client: MqttClient;
  results: Result[];
  /** Publishes an event with the next seq (or the given one); returns its seq. */
  press(type?: EventType, extra?: { seq?: number; age?: number; bat?: number; rssi?: number; boot?: string }): Promise<number>;
  /** Publishes raw bytes on a topic (for hostile-input tests). */
  raw(topic: string, payload: string | Buffer): Promise<void>;
  /** Resolves with the first result for `seq` in one of `states`. */
  result(seq: number, states?: string[], ms?: number): Promise<Result>;
  close(): Promise<void>;
}

export interface DeviceOptions {
  port: number;
  host?: string;
  id: string;
  secret: string;
  prefix?: string;
  /** Connect over mqtts, trusting this CA (PEM text); "" : mqtts trusting only the built-in roots. */
  ca?: string;
  /** Resolve even if CONNACK refuses (the returned promise then rejects with the error). */
  subscribe?: boolean;
  /**
   * Reconnect this long after the connection drops (a broker restart), resubscribing and resending
   * unacknowledged events (mqtt.js's own reconnect). Default: no reconnect (a dropped device stays down).
   */
  reconnectMs?: number;
}

export function connectDevice(o: DeviceOptions): Promise<TestDevice> {
  const prefix = o.prefix ?? "bttn";
  const boot = randomBytes(4).toString("hex");
  let seq = 0;
  const results: Result[] = [];
  const waiters: Array<() => void> = [];
  return new Promise((resolve, reject) => {
    const client = mqtt.connect({
      host: o.host ?? "127.0.0.1",
      port: o.port,
      ...(o.ca !== undefined ? { protocol: "mqtts" as const, ca: o.ca || undefined } : {}),
      username: o.id,
      password: o.secret,
      clientId: o.id + "." + boot, // a bttn's own client id: its id, or "<id>.<suffix>"
      protocolVersion: 4,
      reconnectPeriod: o.reconnectMs ?? 0,
      connectTimeout: 3000,
      will: { topic: topicFor(prefix, o.id, "status"), payload: Buffer.from(encodeStatus({ v: 1, online: false })), qos: 1, retain: true },
    });
    // Before the first connect only: a reconnecting device's errors (a broker still down) must not end it.
    const refused = (err: Error) => {
      client.end(true);
      reject(err);
    };
    client.once("error", refused);
    client.on("message", (topic, payload) => {
      if (!topic.endsWith("/result")) return;
      const d = decodeResult(payload.toString());
      if (d.ok) {
        results.push(d.value);
        for (const w of waiters.splice(0)) w();
      }
    });
    client.once("connect", () => {
      client.off("error", refused);
      // Reconnecting, a broker that is down is an error each try: expected, and retried. Without
      // reconnecting, an error ends the device (as a dropped connection does).
      client.on("error", () => {
        if (!o.reconnectMs) client.end(true);
      });
      const stream = client.stream as unknown as { setNoDelay?: (v: boolean) => void };
      stream.setNoDelay?.(true);
      if (o.subscribe === false) return resolve(device);
      client.subscribe([topicFor(prefix, o.id, "result"), topicFor(prefix, o.id, "config")], { qos: 1 }, (err) => {
        if (err) return reject(err);
        resolve(device);
      });
    });
    const device: TestDevice = {
      id: o.id,
      boot,
      client,
      results,
      async press(type = "pressed", extra = {}) {
        const s = extra.seq ?? seq++;
        const payload = encodeEvent({ v: 1, boot: extra.boot ?? boot, seq: s, type, age: extra.age ?? 0, bat: extra.bat, rssi: extra.rssi });
        await client.publishAsync(topicFor(prefix, o.id, "event"), payload, { qos: 1 });
        return s;
      },
      async raw(topic, payload) {
        await client.publishAsync(topic, payload, { qos: 1 });
      },
      result(s, states = ["ok", "fail"], ms = 5000) {
        return new Promise((res, rej) => {
          const timer = setTimeout(() => rej(new Error(`no ${states.join("/")} result for seq ${s} within ${ms} ms (got ${JSON.stringify(results)})`)), ms);
          const check = () => {
            const r = results.find((x) => x.seq === s && x.boot === boot && states.includes(x.state));
            if (r) {
              clearTimeout(timer);
              res(r);
            } else waiters.push(check);
          };
          check();
        });
      },
      // endAsync never settles on a client the broker already dropped.
      close: () =>
        new Promise<void>((res) => {
          if (!client.connected) {
            client.end(true);
            return res();
          }
          client.end(false, {}, () => res());
        }),
    };
  });
}
