// "Press", "Long" and "Double" for one bttn: each runs that event type's action through the same
// path as a real press (marked virtual in the feed and the inspector). The outcome shows at once as
// pending and turns ok or failed when the relay concludes, from the answer or from the live stream.
import { useState } from "preact/hooks";
import { ApiProblem, messageOf, post, seg } from "../api";
import { announce } from "../announce";
import { label } from "../format";
import type { PressAnswer, PressType } from "../types";

const TYPES: Array<{ type: PressType; text: string }> = [
  { type: "pressed", text: "Press" },
  { type: "pressed-long", text: "Long" },
  { type: "pressed-double", text: "Double" },
];

export interface Pressed {
  type: PressType;
  state: "pending" | "ok" | "fail";
  reason?: string;
  eventId?: number;
}

export function PressButtons({ id, name, events, onPressed }: { id: string; name: string; events: string[]; onPressed: (p: Pressed) => void }) {
  const [busy, setBusy] = useState<PressType | undefined>();
  const press = async (type: PressType) => {
    setBusy(type);
    onPressed({ type, state: "pending" });
    try {
      const a = await post<PressAnswer>("/bttns/" + seg(id) + "/press", { type });
      onPressed({ type, state: a.state, reason: a.reason, eventId: a.eventId });
      if (a.state !== "pending") announce(name + ": " + label(type) + " " + (a.state === "ok" ? "ok" : "failed" + (a.reason ? ", " + a.reason : "")));
    } catch (e) {
      const reason = e instanceof ApiProblem && e.status === 409 ? "no action for " + label(type).toLowerCase() : messageOf(e);
      onPressed({ type, state: "fail", reason });
      announce(name + ": " + reason);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <div class="press-row" role="group" aria-label={"Press " + name + " without hardware"}>
      {TYPES.map(({ type, text }) => {
        const has = events.includes(type);
        return (
          <button type="button" key={type} class="press" disabled={!has || busy !== undefined} title={has ? label(type) + ": run its action now" : "No action for " + label(type).toLowerCase()} onClick={() => press(type)}>
            {busy === type ? text + "…" : text}
          </button>
        );
      })}
    </div>
  );
}
