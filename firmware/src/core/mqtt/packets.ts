// MQTT 3.1.1 packets the device sends, as byte strings (one character per byte), because that is
// what Espruino's sockets carry. Strings put into packets (topics, id, secret) are taken as bytes:
// the protocol keeps them ASCII.

export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const SUBACK = 9;
export const PINGRESP = 13;

const chr = String.fromCharCode;

export function u16(n: number): string {
  return chr((n >> 8) & 255, n & 255);
}

function str(s: string): string {
  return u16(s.length) + s;
}

/** Fixed header (type and flags in one byte, then the remaining length, 7 bits a byte) + body. */
export function frame(first: number, body: string): string {
  let n = body.length;
  let len = "";
  do {
    let d = n % 128;
    n = Math.floor(n / 128);
    if (n) d |= 128;
    len += chr(d);
  } while (n);
  return chr(first) + len + body;
}

export interface ConnectOptions {
  clientId: string;
  username: string;
  password: string;
  /** Seconds. */
  keepalive: number;
  clean: boolean;
  /** Published by the broker, QoS 1 and retained, when the link dies without DISCONNECT. */
  will: { topic: string; payload: string };
}

export function connect(o: ConnectOptions): string {
  // user name, password, will retain, will QoS 1, will flag, clean session
  const flags = 0x80 | 0x40 | 0x20 | 0x08 | 0x04 | (o.clean ? 2 : 0);
  return frame(
    0x10,
    str("MQTT") + chr(4, flags) + u16(o.keepalive) + str(o.clientId) + str(o.will.topic) + str(o.will.payload) + str(o.username) + str(o.password),
  );
}

/** QoS 0 or 1. `id` is used only with QoS 1. */
export function publish(topic: string, payload: string, qos: number, retain: boolean, dup: boolean, id: number): string {
  return frame(0x30 | (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0), str(topic) + (qos ? u16(id) : "") + payload);
}

export function subscribe(id: number, topics: string[], qos: number): string {
  let body = u16(id);
  for (let i = 0; i < topics.length; i++) body += str(topics[i]) + chr(qos);
  return frame(0x82, body);
}

export function puback(id: number): string {
  return frame(0x40, u16(id));
}

// Built with fromCharCode: esbuild would print NUL as the octal escape "\0" in a string literal.
export const PINGREQ = chr(0xc0, 0);
export const DISCONNECT = chr(0xe0, 0);
