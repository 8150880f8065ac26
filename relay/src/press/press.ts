// One press, from the moment the relay takes it to its answer: `handlePress` reads top to bottom as
// the list of steps every press goes through, and each step is a small function below it. A press
// of a device, a not-pressed event the relay makes itself and a virtual press all go this way.
import { failResult } from "@bttn/shared";
import type { WaitEnd } from "../callbacks/manager";
import type { HttpAction } from "../config/schema";
import type { ActionPress, Outcome } from "../engine/engine";
import type { ActionRan } from "../news";
import { redactUrl } from "../redact";
import type { Bttn } from "../store/bttns";
import type { Accepted, FeedEvent } from "../store/events";
import { answerAgain } from "./answer-again";
import { Answering, answer, Conclusion, conclude, RELAY_BOOT, tellPending } from "./conclude";
import type { PressDeps } from "./deps";
import type { PressProgress } from "./progress";

/** A press the relay took: its bttn, the event as the device sent it, and when it arrived. */
export interface Press {
  bttn: Bttn;
  ev: FeedEvent;
  receivedAt: number;
}

type Fresh = Extract<Accepted, { fresh: true }>;

export async function handlePress(d: PressDeps, p: Press, progress: PressProgress): Promise<void> {
  // 1. Record it, once per identity (bttn, boot, seq), with its counters: a press that could not be
  //    recorded is answered `fail internal` and never fired.
  const accepted = await record(d, p);
  progress.markRecorded(accepted?.eventId);
  if (!accepted) return;

  // 2. Seen before (the bttn missed our answer, or the broker redelivered): say again how it went.
  if (!accepted.fresh) return answerAgain(d, p, accepted);
  const who: Answering = { bttnId: p.bttn.id, eventId: accepted.eventId, boot: p.ev.boot, seq: p.ev.seq, type: p.ev.type, receivedAt: p.receivedAt };
  noteTaken(d, p, accepted);

  // 3. Refuse what must not fire: no action, a press too old, a bttn over its rate limit.
  const action = p.bttn.actions[p.ev.type]?.http;
  if (!action && p.ev.type === "heartbeat") return d.events.finish(accepted.eventId, "ok", null, null); // needs no answer
  if (!action) return conclude(d, who, { ok: false, reason: "no-action" });
  const refused = refusal(d, p);
  if (refused) return conclude(d, who, refused);

  // 4. An async action's callback is opened (and stored) before the request hands out its URL.
  let wait;
  if (action.async) {
    try {
      wait = await d.callbacks.open(accepted.eventId, p.bttn.id, p.ev, action.callbackTimeout, (remainingMs) => tellPending(d, who, remainingMs));
    } catch (err) {
      return conclude(d, who, { ok: false, reason: "internal", error: "could not store the async callback: " + (err as Error).message });
    }
  }

  // 5. Fire the action; the bttn hears `pending` if it takes longer than pendingAfterMs.
  const outcome = await fire(d, p, who, action, accepted, wait?.url);

  // 6. Async: a first request that succeeded only opens the wait; the server's callback decides.
  //    The bttn was told `pending`, so the press counts as answered meanwhile.
  if (wait) {
    if (outcome.ok) d.events.markWaiting(accepted.eventId);
    wait.firstRequestDone(outcome.ok);
    if (outcome.ok) {
      progress.markAnswered();
      const end = await wait.verdict;
      if (end === "closed") return; // the relay stops: the press stays waiting, the next start waits on
      return conclude(d, who, verdictConclusion(end));
    }
  }

  // 7. Conclude: recorded, answered, logged, told.
  conclude(d, who, outcome);
}

async function record(d: PressDeps, p: Press): Promise<Accepted | undefined> {
  try {
    return await d.events.accept(p.bttn.id, p.ev, p.receivedAt);
  } catch (err) {
    // Not committed, so not fired (its identity is what keeps a redelivery from firing twice).
    d.stats.fail++;
    d.log.error("could not record the event: answered fail internal, not fired", { bttn: p.bttn.id, boot: p.ev.boot, seq: p.ev.seq, error: err as Error });
    if (p.ev.type !== "heartbeat" || p.bttn.actions.heartbeat) answer(d, p.bttn.id, failResult(p.ev, "internal"));
    return undefined;
  }
}

/** The device's battery and signal, and the news of a press taken. */
function noteTaken(d: PressDeps, p: Press, accepted: Fresh): void {
  d.stats.events++;
  const ev = p.ev;
  if (ev.bat !== undefined || ev.rssi !== undefined) {
    d.status.heard(p.bttn.id, ev.bat, ev.rssi, p.receivedAt);
    d.news?.tell("heard", { bttn: p.bttn.id, bat: ev.bat, rssi: ev.rssi, at: p.receivedAt });
  }
  d.news?.tell("taken", { bttn: p.bttn.id, type: ev.type, eventId: accepted.eventId, boot: ev.boot, seq: ev.seq, at: p.receivedAt });
}

function refusal(d: PressDeps, p: Press): Conclusion | undefined {
  const own = p.ev.boot === RELAY_BOOT; // not-pressed: late by design when the relay was down, and once a day
  if (own) return undefined;
  if (p.ev.age > d.staleAfterMs) return { ok: false, reason: "stale" };
  if (!d.limiter.take(p.bttn.id, p.receivedAt)) {
    d.stats.rateLimited++;
    const n = d.limiter.refused(p.bttn.id, p.receivedAt);
    if (n !== undefined) d.log.warn("presses over the rate limit: answered fail rate-limited, not fired", { bttn: p.bttn.id, presses: n, ...d.rateLimit });
    return { ok: false, reason: "rate-limited" };
  }
  return undefined;
}

async function fire(d: PressDeps, p: Press, who: Answering, action: HttpAction, accepted: Fresh, callbackUrl: string | undefined): Promise<Outcome> {
  // `pending` only for actions that take a while: a webhook answering within pendingAfterMs goes
  // straight to ok/fail, which saves a publish and its PUBACK per press (the device shows its own
  // "sent" state meanwhile and waits at least FIRST_ANSWER_MS for a first answer).
  const pendingTimer = setTimeout(() => tellPending(d, who, action.timeout), d.pendingAfterMs);
  const startedAt = Date.now();
  const ev = p.ev;
  let outcome: Outcome;
  try {
    const dynamicUrl = action.url === "dynamic" ? await d.hooks.urlFor(p.bttn.id).catch(() => undefined) : undefined;
    const press: ActionPress = { bttn: p.bttn, eventId: accepted.eventId, boot: ev.boot, seq: ev.seq, type: ev.type, pressedAt: accepted.pressedAt, age: ev.age, bat: ev.bat, rssi: ev.rssi, counters: accepted.counters, callbackUrl, dynamicUrl };
    outcome = await d.engine.run(action, press);
  } finally {
    clearTimeout(pendingTimer);
  }
  // One literal with every field: this is on every press's path, and an object spread into a new
  // one here cost ~30 µs a press (a slow-mode object, measured in the bench's CPU profile).
  const run: ActionRan = {
    bttn: p.bttn.id,
    eventId: accepted.eventId,
    type: ev.type,
    boot: ev.boot,
    seq: ev.seq,
    method: action.method,
    url: redactUrl(outcome.sent ? outcome.sent.url : action.url),
    status: outcome.status,
    durationMs: outcome.durationMs,
    startedAt,
    reason: outcome.reason,
    error: outcome.error,
    async: action.async,
    auth: action.auth?.type,
    sent: outcome.sent,
    answer: outcome.answer,
  };
  d.events.recordRun(run);
  d.news?.tell("ran", run);
  return outcome;
}

export function verdictConclusion(end: Exclude<WaitEnd, "closed">): Conclusion {
  if (end === "ok") return { ok: true };
  return { ok: false, reason: end === "timeout" ? "callback-timeout" : "negative" };
}
