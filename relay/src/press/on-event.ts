// `<prefix>/<id>/event`: a press (or heartbeat) from a device. A valid event of a known bttn is
// taken on the press path (press.ts); anything else is rejected with its reason.
import { decodeEvent, DeviceEvent } from "@bttn/shared";
import type { Bttn } from "../store/bttns";
import type { PressDeps } from "./deps";
import { reject } from "./reject";
import type { TopicHandler } from "./route";

export type TakePress = (bttn: Bttn, ev: DeviceEvent, receivedAt: number, done: () => void) => void;

export function onEvent(d: PressDeps, take: TakePress): TopicHandler {
  return (id, topic, text, done) => {
    const e = decodeEvent(text);
    if (!e.ok) {
      reject(d, topic, looksLikeStatus(text) ? "payload is a status message on an event topic" : e.error);
      return done();
    }
    const bttn = d.bttns.get(id);
    if (!bttn) {
      reject(d, topic, "no bttn with id " + JSON.stringify(id) + " is configured");
      return done();
    }
    take(bttn, e.value, Date.now(), done);
  };
}

function looksLikeStatus(text: string): boolean {
  try {
    const o = JSON.parse(text);
    return typeof o === "object" && o !== null && "online" in o;
  } catch {
    return false;
  }
}
