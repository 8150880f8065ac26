// A press seen before (the bttn missed our answer, or the broker redelivered it): say again how it
// went, never fire it again. Alone, the relay knows: an end is in the store, a wait is its own, and
// a press still running gets its answer when it ends. In a group the first may have been another
// relay's. Its end is committed before its answer goes out (conclude.ts), so a press that looks
// running is running, and its relay answers it; but it may already wait for its callback (that relay
// writes "waiting" a moment later), so the store is read again a few times for that, and a wait
// is told with what is left of it, whichever relay waits for it.
import { failResult, okResult, pendingResult, Reason } from "@bttn/shared";
import type { Accepted, EventState } from "../store/events";
import { answer } from "./conclude";
import type { PressDeps } from "./deps";
import type { Press } from "./press";

type Seen = Extract<Accepted, { fresh: false }>;

/** When a relay of a group looks again whether another relay's running press waits for its callback. */
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
  if (tell(d, p, seen.state, seen.reason, seen.code, undefined)) return; // ended: say how
  let state = seen.state;
  for (let i = 0; state === "running" && i < RECHECK_MS.length; i++) {
    await new Promise((res) => setTimeout(res, RECHECK_MS[i]));
    // Ended meanwhile: its relay answered it, after its end was committed.
    state = (await d.events.get(seen.eventId).catch(() => undefined))?.state ?? "ok";
  }
  if (state !== "waiting") return;
  const waitMs = await d.callbacks.remainingAnywhere(seen.eventId).catch(() => undefined);
  tell(d, p, state, null, null, waitMs);
}
