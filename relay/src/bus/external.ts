// Any external MQTT broker (mosquitto, EMQX, ...) by URL: the relay is then one client. A stable
// client id with a persistent session means presses published while the relay restarts are kept
// by the broker and delivered when it is back (the store de-duplicates any redelivery).
import mqtt, { MqttClient } from "mqtt";
import type { Bus, DeviceAddress, OnMessage } from "./bus";
import type { PressGate } from "../limits/press-gate";
import type { Logger } from "../log";
import { redactUrl } from "../redact";

export interface ExternalOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  prefix: string;
  /**
   * Subscribe to presses as a member of this shared-subscription group (`$share/<group>/...`): the
   * broker hands each press to one member. Status messages still reach every member.
   */
  shareGroup?: string;
  log: Logger;
  /** PEM text of a CA for mqtts:// brokers with a private certificate. */
  ca?: string;
  /** Backpressure: a press passes it before its PUBACK goes back to the broker. */
  gate: PressGate;
  /**
   * The relay's own availability, for those who watch it (Home Assistant): `online` retained at
   * every connect, `offline` as the connection's will (the broker says it when the relay vanishes)
   * and at a clean shutdown.
   */
  availability?: { topic: string; online: string; offline: string };
}

/** Whether `topic` matches the subscription `filter` (with `+` and `#`). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length || (f[i] !== "+" && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** Node's codes for a certificate chain it cannot trust (or that names another host). */
const UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** An mqtts:// broker whose certificate is not trusted: say so, and what to do, instead of a bare OpenSSL phrase. */
function untrusted(err: Error): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (!code || !UNTRUSTED.has(code)) return err;
  const hint = code === "CERT_HAS_EXPIRED" || code === "ERR_TLS_CERT_ALTNAME_INVALID" ? "" : "; if a private CA signed it, give that CA with --broker-ca FILE (BTTN_BROKER_CA)";
  return Object.assign(new Error("the broker's TLS certificate is not trusted: " + err.message + " (" + code + ")" + hint, { cause: err }), { code });
}

export class ExternalBus implements Bus {
  readonly mode = "external" as const;
  private client!: MqttClient;
  /** Subscriptions beyond the bttns' topics, with their handlers (`watch`). */
  private readonly watches = new Map<string, (topic: string, payload: Buffer) => void>();

  constructor(private readonly opts: ExternalOptions) {}

  start(onMessage: OnMessage): Promise<void> {
    const { url, username, password, clientId, prefix, log } = this.opts;
    return new Promise((resolve, reject) => {
      const client = mqtt.connect(url, {
        username,
        password,
        clientId,
        // Alone, a persistent session: presses sent while the relay is away wait for it at the
        // broker. In a group, a clean one: mosquitto keeps handing a persistent member's share of
        // new presses to its session while it is away (they would wait for it instead of going to
        // the members that are up); a clean member that drops out gets none (README: Scaling out).
        clean: !!this.opts.shareGroup,
        protocolVersion: 4,
        reconnectPeriod: 1000,
        connectTimeout: 10_000,
        keepalive: 30,
        ca: this.opts.ca,
        will: this.opts.availability && { topic: this.opts.availability.topic, payload: Buffer.from(this.opts.availability.offline), qos: 1, retain: true },
      });
      this.client = client;
      let first = true;
      client.on("connect", (connack) => {
        // Nagle: mqtt.js has no option for it, and without this every QoS 1 exchange waits 10-40 ms.
        const stream = client.stream as unknown as { setNoDelay?: (v: boolean) => void };
        if (stream && typeof stream.setNoDelay === "function") stream.setNoDelay(true);
        log.info("connected to broker", { url: redactUrl(url), sessionPresent: connack.sessionPresent });
        if (this.opts.availability) this.publish(this.opts.availability.topic, this.opts.availability.online, true);
        for (const filter of this.watches.keys()) this.subscribeWatch(filter);
        client.subscribe([this.eventFilter(), prefix + "/+/status"], { qos: 1 }, (err, granted) => {
          const refused = (granted ?? []).filter((g) => g.qos === 128);
          if (err || refused.length) {
            const msg = err ? err.message : "broker refused subscription to " + refused.map((g) => g.topic).join(", ");
            log.error("subscribe failed", { error: msg });
            if (first) {
              first = false;
              client.end(true);
              reject(new Error(msg));
            }
            return;
          }
          if (first) {
            first = false;
            resolve();
          }
        });
      });
      // mqtt.js sends the PUBACK and reads the next packet only after this callback: a press over
      // the gate's bound stays with the broker (in our persistent session) until there is room.
      client.handleMessage = (packet, callback) => {
        const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
        const watcher = this.watcherOf(packet.topic);
        if (watcher) {
          try {
            watcher(packet.topic, payload);
          } catch (err) {
            log.error("a handler of a watched topic failed", { topic: packet.topic, error: err as Error });
          }
          return callback();
        }
        if (!packet.topic.startsWith(prefix + "/")) {
          // A subscription our persistent session kept from a run that watched more (Home
          // Assistant's topics, discovery since turned off): not the bttns' business.
          log.debug("message on a topic the relay no longer watches, ignored", { topic: packet.topic });
          return callback();
        }
        if (!packet.topic.endsWith("/event")) {
          onMessage(packet.topic, payload);
          return callback();
        }
        this.opts.gate.admit((release) => {
          onMessage(packet.topic, payload, release);
          callback();
        });
      };
      client.on("error", (e) => {
        const err = untrusted(e);
        log.error("broker error", { url: redactUrl(url), error: err.message });
        // A refused login or an untrusted certificate will not get better by retrying in a loop at start-up.
        if (first) {
          first = false;
          client.end(true);
          reject(err);
        }
      });
      client.on("offline", () => log.warn("broker connection lost, reconnecting", { url: redactUrl(url) }));
    });
  }

  /** The presses' topic filter: shared by the group's members, or this relay's alone. */
  private eventFilter(): string {
    const events = this.opts.prefix + "/+/event";
    return this.opts.shareGroup ? "$share/" + this.opts.shareGroup + "/" + events : events;
  }

  /**
   * At shutdown, a member of a group leaves it first: once the broker confirms, no new press comes
   * here, and those already sent here (before the confirmation) are taken and answered as usual.
   * Alone, nothing to do: presses left unacknowledged wait in the persistent session.
   */
  async leaveGroup(timeoutMs = 2000): Promise<void> {
    if (!this.opts.shareGroup || !this.client?.connected) return;
    await Promise.race([this.client.unsubscribeAsync(this.eventFilter()).catch(() => undefined), new Promise((res) => setTimeout(res, timeoutMs).unref())]);
  }

  publish(topic: string, payload: string, retain: boolean, qos: 0 | 1 = 1): void {
    this.client.publish(topic, payload, { qos, retain }, (err) => {
      if (err) this.opts.log.error("mqtt publish failed", { topic, error: err.message });
    });
  }

  /**
   * Delivers the messages of `filter` (retained ones too, at every (re)connect) to `handler`
   * instead of the press path. For topics outside the bttns' own, such as Home Assistant's.
   */
  watch(filter: string, handler: (topic: string, payload: Buffer) => void): void {
    this.watches.set(filter, handler);
    if (this.connected()) this.subscribeWatch(filter);
  }

  private watcherOf(topic: string): ((topic: string, payload: Buffer) => void) | undefined {
    for (const [filter, handler] of this.watches) if (topicMatches(filter, topic)) return handler;
    return undefined;
  }

  private subscribeWatch(filter: string): void {
    this.client.subscribe(filter, { qos: 1 }, (err, granted) => {
      if (err || granted?.some((g) => g.qos === 128)) this.opts.log.error("the broker refused a subscription", { topic: filter, error: err?.message });
    });
  }

  connected(): boolean {
    return !!this.client && this.client.connected;
  }

  deviceAddress(): DeviceAddress {
    const u = new URL(this.opts.url);
    const local = /^(localhost|127\.[\d.]+|\[::1\])$/.test(u.hostname); // a broker on this machine, reached over the LAN
    return { host: local ? undefined : u.hostname, port: Number(u.port) || 1883, listening: { mqtt: 0, mqtts: 0 } };
  }

  info(): Record<string, unknown> {
    return { url: redactUrl(this.opts.url) };
  }

  disconnectBttn(): void {
    // The external broker owns device sessions and credentials: the relay cannot end them. A
    // removed bttn's presses are still refused (the pipeline finds no bttn), within the store's
    // check interval; a changed secret must be changed in the broker too.
  }

  async close(): Promise<void> {
    if (!this.client) return;
    // A clean goodbye sends no will: say offline ourselves first.
    if (this.opts.availability && this.client.connected) {
      const said = this.client.publishAsync(this.opts.availability.topic, this.opts.availability.offline, { qos: 1, retain: true }).catch(() => {});
      await Promise.race([said, new Promise((res) => setTimeout(res, 1000).unref())]); // a stalled broker does not hold the shutdown
    }
    await this.client.endAsync();
  }
}
