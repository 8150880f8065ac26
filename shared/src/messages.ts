// Protocol v1 messages: what travels on each topic, how to build it and how to check it.
// Decoders never throw: they return { ok: false, error } with the path of the bad field.
import type { Reason } from "./reasons";
import { MAX_PAYLOAD } from "./topics";
import { asciiJson, intIn, isPlainObject, numberIn, oneOf, onlyChars, unknownKey } from "./check";

export const PROTOCOL_VERSION = 1;

export const EVENT_TYPES = ["pressed", "pressed-long", "pressed-double", "heartbeat"] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Event types a relay can act on: the device's, plus `not-pressed`, which the relay makes itself. */
export const ACTION_EVENT_TYPES = ["pressed", "pressed-long", "pressed-double", "heartbeat", "not-pressed"] as const;
export type ActionEventType = (typeof ACTION_EVENT_TYPES)[number];

export const RESULT_STATES = ["pending", "ok", "fail"] as const;
export type ResultState = (typeof RESULT_STATES)[number];

/** device → relay on <prefix>/<id>/event. Identity of a press = (bttn id, boot, seq). */
export interface DeviceEvent {
  v: 1;
  /** Random per boot (hex, 4-16 chars): seq restarts at 0 when boot changes. */
  boot: string;
  /** Events since boot. */
  seq: number;
  type: EventType;
  /** Milliseconds between the press and this send (> 0 for presses queued offline). */
  age: number;
  /** Battery voltage, when the device measures it. */
  bat?: number;
  /** Wi-Fi signal in dBm, when known. */
  rssi?: number;
}

/**
 * The `boot` of a result that answers none of the device's presses: the outcome of a press made
 * without the device (the web console's Press button, `bttn-relay action test`), sent so that a
 * connected device shows it on its LED. A device's own boot ids are 8 hex digits, never this.
 */
export const SHOWN_BOOT = "0000";

/** relay → device on <prefix>/<id>/result. */
export interface Result {
  v: 1;
  boot: string;
  seq: number;
  state: ResultState;
  /** HTTP status of the webhook, when one answered. */
  code?: number;
  /** With `pending`: how long the device should keep waiting, in ms. */
  wait?: number;
  /** With `fail`: why. One of REASONS when this side made it; a newer relay may send others. */
  reason?: Reason;
}

/** device → everyone on <prefix>/<id>/status, retained; the MQTT will publishes online:false. */
export interface Status {
  v: 1;
  online: boolean;
  fw?: string;
  bat?: number;
  rssi?: number;
}

/** relay → device on <prefix>/<id>/config, retained: the settings the relay owns. */
export interface DeviceConfig {
  v: 1;
  /** Hold this long (ms) for `pressed-long`. */
  longMs?: number;
  /** Whether `pressed-double` is detected (if not, a short press is sent at once). */
  double?: boolean;
  /** Second press within this many ms makes a double press. */
  doubleMs?: number;
  /** Deep-sleep after each result (battery power). */
  sleep?: boolean;
  /** Heartbeat period in seconds; 0 = none. */
  heartbeatS?: number;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

const BOOT_CHARS = "09af";
/** Printable ASCII. */
const FW_CHARS = " ~";
const DAY_MS = 86400000;
const MAX_WAIT_MS = 3600000;

function fail<T>(error: string): Decoded<T> {
  return { ok: false, error: error };
}

/** Parses a payload into an object with the right `v`, or says why not. */
function parseObject(payload: string, known: string): Decoded<Record<string, unknown>> {
  if (payload.length > MAX_PAYLOAD) return fail("payload: larger than " + MAX_PAYLOAD + " bytes");
  let obj: unknown;
  try {
    obj = JSON.parse(payload);
  } catch (e) {
    return fail("payload: not valid JSON");
  }
  if (!isPlainObject(obj)) return fail("payload: must be a JSON object");
  if (obj.v !== PROTOCOL_VERSION) {
    return fail("v: unsupported protocol version " + JSON.stringify(obj.v === undefined ? null : obj.v) + " (this side speaks 1)");
  }
  const extra = unknownKey(obj, known, "");
  if (extra) return fail(extra);
  return { ok: true, value: obj };
}

function checkIdentity(o: Record<string, unknown>): string {
  if (typeof o.boot !== "string" || o.boot.length < 4 || o.boot.length > 16 || !onlyChars(o.boot, BOOT_CHARS)) {
    return "boot: must be 4 to 16 lowercase hex characters";
  }
  const seqErr = intIn(o.seq, 0, 4294967295);
  if (seqErr) return "seq: " + (seqErr === "must be an integer" ? "must be a non-negative integer" : seqErr);
  return "";
}

function checkHealth(o: Record<string, unknown>): string {
  if (o.bat !== undefined) {
    const e = numberIn(o.bat, 0, 20);
    if (e) return "bat: " + e + " (volts)";
  }
  if (o.rssi !== undefined) {
    const e = intIn(o.rssi, -150, 0);
    if (e) return "rssi: " + e + " (dBm)";
  }
  return "";
}

const EVENT_KEYS = "v boot seq type age bat rssi";

export function decodeEvent(payload: string): Decoded<DeviceEvent> {
  const p = parseObject(payload, EVENT_KEYS);
  if (!p.ok) return p;
  const o = p.value;
  let e = checkIdentity(o);
  if (e) return fail(e);
  e = oneOf(o.type, EVENT_TYPES);
  if (e) return fail("type: " + e);
  e = intIn(o.age, 0, 30 * DAY_MS);
  if (e) return fail("age: " + e + " (milliseconds)");
  e = checkHealth(o);
  if (e) return fail(e);
  return { ok: true, value: o as unknown as DeviceEvent };
}

const RESULT_KEYS = "v boot seq state code wait reason";

export function decodeResult(payload: string): Decoded<Result> {
  const p = parseObject(payload, RESULT_KEYS);
  if (!p.ok) return p;
  const o = p.value;
  let e = checkIdentity(o);
  if (e) return fail(e);
  e = oneOf(o.state, RESULT_STATES);
  if (e) return fail("state: " + e);
  if (o.code !== undefined) {
    e = intIn(o.code, 100, 599);
    if (e) return fail("code: " + e);
  }
  if (o.state === "pending") {
    e = intIn(o.wait, 0, MAX_WAIT_MS);
    if (e) return fail("wait: " + e + " (required with pending)");
  } else if (o.wait !== undefined) {
    return fail("wait: only allowed with pending");
  }
  if (o.state === "fail") {
    // Any reason word, not only the ones this side knows: a newer relay may add reasons (the list
    // only grows), and a device in the field must still take the `fail` instead of dropping it.
    if (typeof o.reason !== "string" || o.reason.length > 32 || !onlyChars(o.reason, "az--")) {
      return fail("reason: must be a word of lowercase letters and '-' (required with fail)");
    }
  } else if (o.reason !== undefined) {
    return fail("reason: only allowed with fail");
  }
  return { ok: true, value: o as unknown as Result };
}

const STATUS_KEYS = "v online fw bat rssi";

export function decodeStatus(payload: string): Decoded<Status> {
  const p = parseObject(payload, STATUS_KEYS);
  if (!p.ok) return p;
  const o = p.value;
  if (typeof o.online !== "boolean") return fail("online: must be true or false");
  if (o.fw !== undefined && (typeof o.fw !== "string" || o.fw.length > 32 || !onlyChars(o.fw, FW_CHARS))) {
    return fail("fw: must be printable ASCII, at most 32 characters");
  }
  const e = checkHealth(o);
  if (e) return fail(e);
  return { ok: true, value: o as unknown as Status };
}

const CONFIG_KEYS = "v longMs double doubleMs sleep heartbeatS";

export function decodeDeviceConfig(payload: string): Decoded<DeviceConfig> {
  const p = parseObject(payload, CONFIG_KEYS);
  if (!p.ok) return p;
  const e = checkDeviceConfig(p.value);
  if (e) return fail(e);
  return { ok: true, value: p.value as unknown as DeviceConfig };
}

/** Checks the relay-owned device settings (also used for the relay's config file). */
export function checkDeviceConfig(o: Record<string, unknown>): string {
  let e = "";
  if (o.longMs !== undefined && (e = intIn(o.longMs, 300, 10000))) return "longMs: " + e;
  if (o.doubleMs !== undefined && (e = intIn(o.doubleMs, 100, 1500))) return "doubleMs: " + e;
  if (o.heartbeatS !== undefined && (e = intIn(o.heartbeatS, 0, 604800))) return "heartbeatS: " + e;
  const flags = ["double", "sleep"];
  for (let i = 0; i < flags.length; i++) {
    if (o[flags[i]] !== undefined && typeof o[flags[i]] !== "boolean") return flags[i] + ": must be true or false";
  }
  return "";
}

// Encoders: fixed field order, optional fields only when set, ASCII only.

export function encodeEvent(e: DeviceEvent): string {
  const o: Record<string, unknown> = { v: 1, boot: e.boot, seq: e.seq, type: e.type, age: e.age };
  if (e.bat !== undefined) o.bat = e.bat;
  if (e.rssi !== undefined) o.rssi = e.rssi;
  return asciiJson(o);
}

export function encodeResult(r: Result): string {
  const o: Record<string, unknown> = { v: 1, boot: r.boot, seq: r.seq, state: r.state };
  if (r.code !== undefined) o.code = r.code;
  if (r.wait !== undefined) o.wait = r.wait;
  if (r.reason !== undefined) o.reason = r.reason;
  return asciiJson(o);
}

export function encodeStatus(s: Status): string {
  const o: Record<string, unknown> = { v: 1, online: s.online };
  if (s.fw !== undefined) o.fw = s.fw;
  if (s.bat !== undefined) o.bat = s.bat;
  if (s.rssi !== undefined) o.rssi = s.rssi;
  return asciiJson(o);
}

/** `v` first, then each setting of CONFIG_KEYS that is set, in that list's order (whatever it is). */
export function encodeDeviceConfig(c: DeviceConfig): string {
  const o: Record<string, unknown> = { v: 1 };
  const keys = CONFIG_KEYS.split(" ");
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const val = (c as unknown as Record<string, unknown>)[k];
    if (k !== "v" && val !== undefined) o[k] = val;
  }
  return asciiJson(o);
}

// Helpers to build results, so both sides spell them the same way.

export function pendingResult(ev: { boot: string; seq: number }, waitMs: number): Result {
  return { v: 1, boot: ev.boot, seq: ev.seq, state: "pending", wait: Math.max(0, Math.round(waitMs)) };
}

export function okResult(ev: { boot: string; seq: number }, code?: number): Result {
  const r: Result = { v: 1, boot: ev.boot, seq: ev.seq, state: "ok" };
  if (code !== undefined) r.code = code;
  return r;
}

export function failResult(ev: { boot: string; seq: number }, reason: Reason, code?: number): Result {
  const r: Result = { v: 1, boot: ev.boot, seq: ev.seq, state: "fail", reason: reason };
  if (code !== undefined) r.code = code;
  return r;
}
