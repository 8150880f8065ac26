// The tag vocabulary of an HTTP action: what `<DATE>`, `<COUNTER>`, ... expand to for one press.
// Values are plain text here; where a value lands (URL, header, JSON string) is render.ts's concern.
import type { ActionEventType } from "@bttn/shared";
import { ActionError } from "./http";

/** Everything a tag can expand to, gathered once per press. Treat it as read-only. */
export interface TagContext {
  /** When the button was pressed: the event's arrival minus its age (see pressTime). */
  pressedAt: Date;
  /** IANA zone of the bttn; the relay's own zone when absent. */
  timeZone?: string;
  bttn: {
    id: string;
    /** Long device id; `<DEVICEID>` falls back to `id`. */
    deviceId?: string;
    name?: string;
    user?: string;
    location?: string;
    email?: string;
    language?: string;
    url?: string;
  };
  eventId: string;
  eventType: ActionEventType;
  counters: { total: number; pressed: number; long: number; notPressed: number; double?: number };
  callbackUrl?: string;
  /** Battery voltage as the device reported it. */
  battery?: number;
  /** Wi-Fi signal in dBm. */
  rssi?: number;
  /** How long the event waited on the device before it was sent, in ms. */
  ageMs?: number;
}

export const TAG_NAMES = [
  "DATE", "TIME", "DATETIME", "UNIXTIME",
  "NAME", "USER", "LOCATION", "EMAILADDRESS", "LANGUAGE", "ID", "DEVICEID", "URL",
  "EID", "ETYPE", "COUNTER", "COUNTERP", "COUNTERL", "COUNTERN", "COUNTERD",
  "CALLBACKURL", "BATTERY", "RSSI", "AGE",
] as const;
export type TagName = (typeof TAG_NAMES)[number];

/** Turns a context into one tag's text; a value the context lacks is "". */
export type TagValue = (ctx: TagContext) => string;

function text(x: string | number | undefined): string {
  return x === undefined ? "" : String(x);
}

/** One function per tag, so a compiled template holds the function and skips any lookup by name. */
export const TAG_VALUES: Readonly<Record<TagName, TagValue>> = {
  DATE: (c) => localTime(c.pressedAt, c.timeZone).date,
  TIME: (c) => localTime(c.pressedAt, c.timeZone).time,
  DATETIME: (c) => {
    const t = localTime(c.pressedAt, c.timeZone);
    return t.date + "T" + t.time + t.offset;
  },
  UNIXTIME: (c) => String(Math.floor(pressMs(c.pressedAt) / 1000)),
  NAME: (c) => text(c.bttn.name),
  USER: (c) => text(c.bttn.user),
  LOCATION: (c) => text(c.bttn.location),
  EMAILADDRESS: (c) => text(c.bttn.email),
  LANGUAGE: (c) => text(c.bttn.language),
  ID: (c) => c.bttn.id,
  DEVICEID: (c) => c.bttn.deviceId || c.bttn.id,
  URL: (c) => text(c.bttn.url),
  EID: (c) => c.eventId,
  ETYPE: (c) => c.eventType,
  COUNTER: (c) => String(c.counters.total),
  COUNTERP: (c) => String(c.counters.pressed),
  COUNTERL: (c) => String(c.counters.long),
  COUNTERN: (c) => String(c.counters.notPressed),
  COUNTERD: (c) => text(c.counters.double),
  CALLBACKURL: (c) => text(c.callbackUrl),
  BATTERY: (c) => text(c.battery),
  RSSI: (c) => text(c.rssi),
  AGE: (c) => text(c.ageMs),
};

export function isTagName(name: string): name is TagName {
  // hasOwnProperty, not `in`: "constructor" or "toString" must not count as tags.
  return Object.prototype.hasOwnProperty.call(TAG_VALUES, name);
}

/** The press time of an event that arrived at `receivedAt` after waiting `ageMs` on the device. */
export function pressTime(receivedAt: Date | number, ageMs: number | undefined): Date {
  const at = typeof receivedAt === "number" ? receivedAt : receivedAt.getTime();
  return new Date(at - (ageMs && ageMs > 0 ? ageMs : 0));
}

// --- Local time in a zone -------------------------------------------------------------------

export interface LocalTime {
  /** `2015-10-01` */
  date: string;
  /** `10:49:30` */
  time: string;
  /** `+0300`: the zone's offset from UTC at that instant (DST included), no colon. */
  offset: string;
}

// Building a DateTimeFormat costs tens of microseconds; formatting with one costs a few. Keep one
// per zone ("" = the relay's own zone). Only valid zones get in, so the map stays as small as the
// set of zones actually configured.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(zone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone === "" ? undefined : zone,
      // h23, not hour12:false: the latter prints midnight as "24" on some ICU versions.
      hourCycle: "h23",
      year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
  } catch (e) {
    return undefined;
  }
  formatters.set(zone, f);
  return f;
}

/** Whether Intl knows `name` as a time zone (IANA names, case-insensitive, plus aliases). */
export function isValidTimeZone(name: unknown): boolean {
  return typeof name === "string" && name !== "" && formatterFor(name) !== undefined;
}

// At thousands of presses a second, most presses share their second with the one before: remember
// the last second formatted per zone and skip Intl for the rest.
const lastSecond = new Map<string, { sec: number; value: LocalTime }>();

function pressMs(at: Date): number {
  const ms = at.getTime();
  if (ms !== ms) throw new ActionError("internal", "the press time is not a valid date");
  return ms;
}

function pad(n: number, width: number): string {
  let s = String(n);
  while (s.length < width) s = "0" + s;
  return s;
}

/** Wall-clock date, time and UTC offset of the instant `at` in `zone` (the relay's zone if absent). */
export function localTime(at: Date, zone?: string): LocalTime {
  const key = zone || "";
  const sec = Math.floor(pressMs(at) / 1000);
  const memo = lastSecond.get(key);
  if (memo && memo.sec === sec) return memo.value;
  const f = formatterFor(key);
  if (!f) throw new ActionError("bad-request", "time zone " + JSON.stringify(zone) + " is not known");
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  const parts = f.formatToParts(sec * 1000);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    switch (p.type) {
      case "year": y = +p.value; break;
      case "month": mo = +p.value; break;
      case "day": d = +p.value; break;
      case "hour": h = +p.value; break;
      case "minute": mi = +p.value; break;
      case "second": s = +p.value; break;
    }
  }
  // The offset is whatever separates the zone's wall clock from UTC at this very instant, so DST
  // and odd offsets (+0530, +0545) come out right without a table of our own.
  const offsetMin = Math.trunc((Date.UTC(y, mo - 1, d, h, mi, s) - sec * 1000) / 60000);
  const abs = Math.abs(offsetMin);
  const value: LocalTime = {
    date: pad(y, 4) + "-" + pad(mo, 2) + "-" + pad(d, 2),
    time: pad(h, 2) + ":" + pad(mi, 2) + ":" + pad(s, 2),
    offset: (offsetMin < 0 ? "-" : "+") + pad(Math.floor(abs / 60), 2) + pad(abs % 60, 2),
  };
  lastSecond.set(key, { sec, value });
  return value;
}
