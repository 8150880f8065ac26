// The feed: every accepted event, its counters, its outcome and the HTTP runs it caused. Each
// engine keeps a UNIQUE (bttn, boot, seq) constraint: it is what makes a redelivered press fire
// its action only once.
import type { ActionEventType, DeviceEvent, Reason } from "@bttn/shared";

/** An event the feed records: a device's, or one the relay makes itself (`not-pressed`). */
export type FeedEvent = Omit<DeviceEvent, "type"> & { type: ActionEventType };

export type EventState = "running" | "waiting" | "ok" | "fail";

/** Per-type press counts of one bttn; `total` counts every event type except heartbeats. */
export interface Counters {
  total: number;
  pressed: number;
  "pressed-long": number;
  "pressed-double": number;
  "not-pressed": number;
  heartbeat: number;
}

export type Accepted =
  | { fresh: true; eventId: number; counters: Counters; pressedAt: number }
  | { fresh: false; eventId: number; state: EventState; reason: Reason | null; code: number | null };

export interface RunRecord {
  eventId: number;
  bttn: string;
  method: string;
  url: string;
  status?: number;
  durationMs: number;
  reason?: Reason;
  error?: string;
  startedAt: number;
}

export interface FeedQuery {
  type?: string;
  /** Only events with an id greater than this. */
  after?: number;
  limit?: number;
}

export interface FeedEntry {
  id: number;
  type: string;
  boot: string;
  seq: number;
  age: number;
  bat: number | null;
  rssi: number | null;
  receivedAt: string;
  pressedAt: string;
  counter: number;
  state: EventState;
  reason: Reason | null;
  code: number | null;
  runs: Array<{ method: string; url: string; status: number | null; durationMs: number; reason: Reason | null; error: string | null; startedAt: string }>;
}

export function emptyCounters(): Counters {
  return { total: 0, pressed: 0, "pressed-long": 0, "pressed-double": 0, "not-pressed": 0, heartbeat: 0 };
}
