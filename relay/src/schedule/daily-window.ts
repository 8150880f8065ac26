// A daily window of wall-clock time in an IANA zone ("07:00-10:00" in Europe/Berlin): when it
// starts and ends on a given day, as instants. Days are the zone's calendar days, so a window keeps
// its wall-clock times across daylight-saving changes (a time that does not exist that day, in the
// hour skipped in spring, falls an hour later). A window whose start is after its end ("22:00-02:00")
// starts the day before it ends.

export interface DailyWindow {
  /** Minutes after local midnight. */
  startMin: number;
  endMin: number;
}

/** Ms since the epoch: [start, end). */
export interface Period {
  start: number;
  end: number;
}

export const BETWEEN_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** "HH:MM-HH:MM" (24-hour clock); undefined if malformed or empty. */
export function parseBetween(text: string): DailyWindow | undefined {
  const m = BETWEEN_PATTERN.exec(text);
  if (!m) return undefined;
  const w = { startMin: Number(m[1]) * 60 + Number(m[2]), endMin: Number(m[3]) * 60 + Number(m[4]) };
  return w.startMin === w.endMin ? undefined : w;
}

interface Day {
  y: number;
  m: number; // 1-12
  d: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall-clock time at `t` in `tz`, written as if it were UTC (ms). */
function wallAsUtc(t: number, tz: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(t)) if (part.type !== "literal") p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + (t % 1000 + 1000) % 1000;
}

function dayOf(t: number, tz: string): Day {
  const w = new Date(wallAsUtc(t, tz));
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() };
}

function addDays(day: Day, n: number): Day {
  const w = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() };
}

/** The instant when the wall clock in `tz` shows `min` minutes after midnight on `day`. */
function instant(day: Day, min: number, tz: string): number {
  const wall = Date.UTC(day.y, day.m - 1, day.d, 0, min);
  let t = wall - (wallAsUtc(wall, tz) - wall);
  const offset = wallAsUtc(t, tz) - t;
  if (wall - offset !== t) t = wall - offset; // the offset changed in between (a DST change that day)
  return t;
}

function periodEndingOn(w: DailyWindow, day: Day, tz: string): Period {
  return { start: instant(w.startMin < w.endMin ? day : addDays(day, -1), w.startMin, tz), end: instant(day, w.endMin, tz) };
}

/** The last window that ended at or before `t`. */
export function lastEnded(w: DailyWindow, tz: string, t: number): Period {
  const today = dayOf(t, tz);
  const p = periodEndingOn(w, today, tz);
  return p.end <= t ? p : periodEndingOn(w, addDays(today, -1), tz);
}

/** The first window that ends after `t`. */
export function nextEnding(w: DailyWindow, tz: string, t: number): Period {
  const today = dayOf(t, tz);
  const p = periodEndingOn(w, today, tz);
  return p.end > t ? p : periodEndingOn(w, addDays(today, 1), tz);
}
