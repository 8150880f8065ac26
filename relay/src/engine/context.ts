// Gathers the tag values of one press from the bttn's definition, the event and its counters.
import type { ActionEventType } from "@bttn/shared";
import type { Bttn } from "../store/bttns";
import type { Counters } from "../store/events";
import type { TagContext } from "./tags";

export interface PressFacts {
  eventId: number;
  type: ActionEventType;
  pressedAt: number;
  age: number;
  bat?: number;
  rssi?: number;
  counters: Counters;
  callbackUrl?: string;
}

export function tagContext(bttn: Bttn, press: PressFacts, defaultTimeZone: string | undefined): TagContext {
  const p = bttn.props;
  return {
    pressedAt: new Date(press.pressedAt),
    timeZone: p.timeZone ?? defaultTimeZone,
    bttn: { id: bttn.id, deviceId: p.deviceId, name: p.name, user: p.user, location: p.location, email: p.email, language: p.language, url: p.url },
    eventId: String(press.eventId),
    eventType: press.type,
    counters: {
      total: press.counters.total,
      pressed: press.counters.pressed,
      long: press.counters["pressed-long"],
      notPressed: press.counters["not-pressed"],
      double: press.counters["pressed-double"],
    },
    callbackUrl: press.callbackUrl,
    battery: press.bat,
    rssi: press.rssi,
    ageMs: press.age,
  };
}
