// What the engine knows of one press: who pressed, which event, its counters and (for an async
// action) the callback URL handed out for it. From this and an action the engine builds the request
// (tags filled in from the press, see tags.ts) and sends it.
import type { ActionEventType } from "@bttn/shared";
import type { Bttn } from "../store/bttns";
import type { Counters } from "../store/events";
import type { TagContext } from "./tags";

export interface ActionPress {
  bttn: Pick<Bttn, "id" | "props">;
  eventId: number;
  /** The device's boot id and sequence number: the press's identity (the Idempotency-Key). */
  boot: string;
  seq: number;
  type: ActionEventType;
  /** When the button was pressed (ms since the epoch): receipt minus the event's age. */
  pressedAt: number;
  age: number;
  bat?: number;
  rssi?: number;
  counters: Counters;
  /** An async action's callback URL (the <CALLBACKURL> tag). */
  callbackUrl?: string;
  /**
   * For an action whose url is "dynamic": the URL a server registered for the bttn, looked up in
   * the store by whoever makes the press (the engine knows nothing of the store).
   */
  dynamicUrl?: string;
}

/** The tag values of one press. */
export function tagContext(press: ActionPress, defaultTimeZone: string | undefined): TagContext {
  const p = press.bttn.props;
  return {
    pressedAt: new Date(press.pressedAt),
    timeZone: p.timeZone ?? defaultTimeZone,
    bttn: { id: press.bttn.id, deviceId: p.deviceId, name: p.name, user: p.user, location: p.location, email: p.email, language: p.language, url: p.url },
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
