// An MQTT 3.1.1 client for one broker connection at a time, over the bindings' byte-string sockets.
// What Espruino's own modules get wrong (docs/espruino.md) is what this file is for: CONNACK is
// checked, QoS 1 is real (PUBACK tracked; unacknowledged publishes go out again with DUP after a
// reconnect), the will is set, nothing is retained unless asked, and a link that stops answering
// PINGREQ is declared dead instead of hanging forever.
import { Bindings, Socket } from "../../bindings";
import { CONNACK, connect, ConnectOptions, DISCONNECT, PINGREQ, PINGRESP, PUBACK, puback, publish, PUBLISH, SUBACK, subscribe } from "./packets";
import { createReader, parsePublish, u16At } from "./reader";

export interface MqttEvents {
  /** CONNACK accepted. */
  up(sessionPresent: boolean): void;
  /** CONNACK refused with this return code (4 = bad user name or password, 5 = not authorised). */
  refused(code: number): void;
  /** The connection attempt or the connection ended (after `refused` too). Once per `open`. */
  down(): void;
  message(topic: string, payload: string): void;
}

export interface MqttClient {
  open(host: string, port: number): void;
  /** Sends DISCONNECT (so the will is not published) and closes; `down` follows. */
  close(): void;
  /** Closes without DISCONNECT (a link we no longer trust); `down` follows. */
  drop(): void;
  /**
   * Publishes at QoS 1 (everything the bttn says matters): kept until PUBACK, then `acked` runs.
   * False (nothing kept or sent) when MAX_OUT are already waiting for theirs and the message is not
   * retained: the caller keeps the message and tries again later.
   */
  publish(topic: string, payload: string, retain: boolean, acked?: () => void): boolean;
  /** `done(ok)` on SUBACK: ok is false when the broker refused any of the topics. Not called if the link drops first. */
  subscribe(topics: string[], done: (ok: boolean) => void): void;
  /** Publishes waiting for PUBACK. */
  unacked(): number;
}

interface Outgoing {
  id: number;
  topic: string;
  payload: string;
  retain: boolean;
  acked?: () => void;
  /** Sent at least once: later copies carry DUP. */
  sent: boolean;
}

/** Largest packet accepted from the broker (protocol payloads are at most 1 KB). */
const MAX_IN = 4096;
/** Unacknowledged publishes kept; beyond this publish() refuses, and the app's own queue keeps the press. */
const MAX_OUT = 32;

export function createMqttClient(b: Bindings, o: ConnectOptions, connackMs: number, ev: MqttEvents): MqttClient {
  let sock: Socket | undefined;
  let live = false; // CONNACK accepted on `sock`
  let lastId = 0;
  const out: Outgoing[] = [];
  let subs: { id: number; done: (ok: boolean) => void }[] = [];
  let timer: unknown; // CONNACK deadline, then the keepalive tick
  let waitingPong = false;

  // Ids count 1..65535 and wrap; with at most MAX_OUT in flight a wrapped id cannot still be in use.
  function nextId(): number {
    lastId = (lastId % 65535) + 1;
    return lastId;
  }

  function send(p: Outgoing): void {
    if (!live || !sock) return;
    sock.write(publish(p.topic, p.payload, 1, p.retain, p.sent, p.id));
    p.sent = true;
  }

  function keepalive(): void {
    if (waitingPong) {
      b.log("mqtt: ping timeout");
      gone(true);
      return;
    }
    waitingPong = true;
    if (sock) sock.write(PINGREQ);
    timer = b.after(o.keepalive * 1000, keepalive);
  }

  function gone(end: boolean): void {
    const s = sock;
    if (!s) return;
    sock = undefined;
    live = false;
    b.cancel(timer);
    timer = 0;
    subs = []; // never answered: a SUBACK is the only thing that means refused
    if (end) s.end();
    ev.down();
  }

  function onPacket(first: number, body: string): void {
    const type = first >> 4;
    waitingPong = false;
    if (type === CONNACK) {
      const code = body.charCodeAt(1);
      if (code) {
        ev.refused(code);
        gone(true);
        return;
      }
      live = true;
      b.cancel(timer);
      timer = b.after(o.keepalive * 1000, keepalive);
      ev.up(!!(body.charCodeAt(0) & 1));
      // Resend in the order they were first published, so the relay sees presses in order.
      for (let i = 0; i < out.length; i++) send(out[i]);
    } else if (type === PUBLISH) {
      const m = parsePublish(first, body);
      if (m.qos && sock) sock.write(puback(m.id));
      ev.message(m.topic, m.payload);
    } else if (type === PUBACK) {
      const id = u16At(body, 0);
      for (let i = 0; i < out.length; i++) {
        if (out[i].id === id) {
          const p = out.splice(i, 1)[0];
          if (p.acked) p.acked();
          break;
        }
      }
    } else if (type === SUBACK) {
      const id = u16At(body, 0);
      for (let i = 0; i < subs.length; i++) {
        if (subs[i].id === id) {
          const done = subs.splice(i, 1)[0].done;
          done(body.indexOf("\x80", 2) < 0);
          break;
        }
      }
    } else if (type !== PINGRESP) {
      b.log("mqtt: packet type " + type + "?");
    }
  }

  return {
    open(host, port) {
      if (sock) gone(true);
      waitingPong = false;
      const feed = createReader(MAX_IN, onPacket);
      // Bindings never report close from inside connect(), so `s` is set before any handler runs.
      const s: Socket = b.connect(host, port, {
        open() {
          if (s === sock) s.write(connect(o));
        },
        data(d) {
          if (s !== sock) return;
          if (!feed(d)) {
            b.log("mqtt: bad packet");
            gone(true);
          }
        },
        close() {
          if (s === sock) gone(false);
        },
      });
      sock = s;
      timer = b.after(connackMs, () => {
        b.log("mqtt: connect timeout");
        gone(true);
      });
    },
    close() {
      if (live && sock) sock.write(DISCONNECT);
      gone(true);
    },
    drop() {
      gone(true);
    },
    publish(topic, payload, retain, acked) {
      // Dropping the oldest instead would lose its `acked` and leave its owner waiting forever.
      // A retained message (the status: one per connection) is always taken.
      if (out.length >= MAX_OUT && !retain) return false;
      const p: Outgoing = { id: nextId(), topic: topic, payload: payload, retain: retain, acked: acked, sent: false };
      out.push(p);
      send(p);
      return true;
    },
    subscribe(topics, done) {
      if (!live || !sock) return;
      const id = nextId();
      subs.push({ id: id, done: done });
      sock.write(subscribe(id, topics, 1));
    },
    unacked() {
      return out.length;
    },
  };
}
