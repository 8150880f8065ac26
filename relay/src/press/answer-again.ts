// A press seen before (the bttn missed our answer, or the broker redelivered it): say again how it
// went, never fire it again. Alone, the relay knows: an end is in the store, a wait is its own, and
// a press still running gets its answer when it ends. In a group the first may have been another
// relay's: a press that looks still running may have ended a moment ago on that relay (its end not
// committed yet), so the store is read again a few times; and a wait for a callback is told with
// what is left of it, whichever relay waits for it.
import { failResult, okResult, pendingResult, Reason } from "@bttn/shared";
import type { Accepted, EventState } from "../store/events";
import { answer } from "./conclude";
import type { PressDeps } from "./deps";
import type { Press } from "./press";

type Seen = Extract<Accepted, { fresh: false }>;

/** How long a relay of a group looks again for the end of a press another relay is running. */
const RECHECK_MS = [50, 200, 1000];

export function answerAgain(d: PressDeps, p: Press, seen: Seen): void {
  d.stats.duplicates++;
  d.log.debug("duplicate event, not fired again", { bttn: p.bttn.id, boot: p.ev.boot, seq: p.ev.seq, state: seen.state });
  if (!d.shared) return void tell(d, p, seen.state, seen.reason, seen.code, d.callbacks.remainingFor(seen.eventId));
  void answerInGroup(d, p, seen);
}

/** Answers with `state`; false when there is nothing to say yet (running, or a wait not found). */
function tell(d: PressDeps, p: Press, state: EventState, reason: Reason | null, code: number | null, waitMs: number | undefined): boolean {
  if (state === "ok") answer(d, p.bttn.id, okResult(p.ev, code ?? undefined));
  else if (state === "fail") answer(d, p.bttn.id, failResult(p.ev, reason ?? "internal", code ?? undefined));
  else if (state === "waiting" && waitMs !== undefined) answer(d, p.bttn.id, pendingResult(p.ev, waitMs));
  else return false;
  return true;
}

async function answerInGroup(d: PressDeps, p: Press, seen: Seen): Promise<void> {
  let now: { state: EventState; reason: Reason | null; code: number | null } = seen;
  for (let i = 0; ; i++) {
    if (now.state === "waiting") {
      const waitMs = await d.callbacks.remainingAnywhere(seen.eventId).catch(() => undefined);
      return void tell(d, p, now.state, now.reason, now.code, waitMs);
    }
    if (tell(d, p, now.state, now.reason, now.code, undefined) || i === RECHECK_MS.length) return;
    await new Promise((res) => setTimeout(res, RECHECK_MS[i]));
    const e = await d.events.get(seen.eventId).catch(() => undefined);
    if (!e) return;
    now = e;
  }
}
