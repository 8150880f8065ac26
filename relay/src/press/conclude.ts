// Every press ends here, in one place: its outcome is recorded, the bttn is answered, the log gets
// one info line (the only one for a press that went well), and the relay's news tells watchers.
import { ActionEventType, encodeResult, failResult, okResult, pendingResult, Reason, Result, SHOWN_BOOT, topicFor } from "@bttn/shared";
import type { PressDeps } from "./deps";

/**
 * The `boot` of events the relay makes itself (not-pressed) and of presses made from the console or
 * the API without a device. A device's boot is hex, so these can never be a device's. Nothing is
 * published for the relay's own events; a virtual press's outcome is shown to the bttn's device if
 * it is connected (SHOWN_BOOT, QoS 0), so a press from the console lights the LED like a real one.
 */
export const RELAY_BOOT = "relay";
export const VIRTUAL_BOOT = "virtual";

/** Which press is answered. `type` and `receivedAt` are unknown for a press resumed after a restart. */
export interface Answering {
  bttnId: string;
  eventId: number;
  boot: string;
  seq: number;
  type?: ActionEventType;
  /** When the relay received it (ms since the epoch): the log line's duration counts from there. */
  receivedAt?: number;
}

/** How a press ended. */
export interface Conclusion {
  ok: boolean;
  reason?: Reason;
  /** The webhook's HTTP status, when it answered. */
  status?: number;
  /** Why it failed, for the log; never holds secrets (see engine/engine.ts's Outcome). */
  error?: string;
}

/** Sends a result to the bttn that sent the press; events no device sent wait for no answer. */
export function answer(d: PressDeps, bttnId: string, r: Result): void {
  if (r.boot === RELAY_BOOT) return;
  if (r.boot === VIRTUAL_BOOT) {
    if (r.state !== "pending") d.bus.publish(topicFor(d.prefix, bttnId, "result"), encodeResult({ ...r, boot: SHOWN_BOOT, seq: 0 }), false, 0);
    return;
  }
  d.bus.publish(topicFor(d.prefix, bttnId, "result"), encodeResult(r), false);
}

/** The action takes a while: the bttn waits up to `remainingMs` more. */
export function tellPending(d: PressDeps, p: Answering, remainingMs: number): void {
  answer(d, p.bttnId, pendingResult(p, remainingMs));
  d.news?.tell("pending", { bttn: p.bttnId, eventId: p.eventId, remainingMs, type: p.type, boot: p.boot });
}

/**
 * Ends a press: recorded, answered, logged, told. Alone, the record is a write nobody waits for.
 * In a group, ending is a claim committed before the answer goes out: a press that a relay took
 * for gone, or another relay's callback verdict, ended it already, and the bttn hears one end.
 */
export function conclude(d: PressDeps, p: Answering, c: Conclusion): void | Promise<void> {
  const state = c.ok ? "ok" : "fail";
  const reason = c.ok ? null : (c.reason ?? "internal");
  if (!d.shared) {
    d.events.finish(p.eventId, state, reason, c.status ?? null);
    return tellEnded(d, p, c);
  }
  return d.events.claimEnd(p.eventId, state, reason, c.status ?? null).then(
    (won) => {
      if (won) tellEnded(d, p, c);
      else d.log.debug("press ended by another relay of the group already", { bttn: p.bttnId, event: p.eventId });
    },
    (err: unknown) => {
      // The store is away: the bttn hears its answer anyway, and the record waits in the queue.
      d.log.warn("could not record a press's end in the store; it is kept and retried", { bttn: p.bttnId, event: p.eventId, error: err as Error });
      d.events.finish(p.eventId, state, reason, c.status ?? null);
      tellEnded(d, p, c);
    },
  );
}

/** A press that ended in the store: counted, answered, logged and told. */
export function tellEnded(d: PressDeps, p: Answering, c: Conclusion): void {
  const reason = c.ok ? undefined : (c.reason ?? "internal");
  if (c.ok) d.stats.ok++;
  else d.stats.fail++;
  answer(d, p.bttnId, c.ok ? okResult(p, c.status) : failResult(p, reason!, c.status));
  // After the answer is on its way: the bttn does not wait for the log or the watchers. Built only
  // when someone reads it: this is on every press's path.
  const logged = d.log.level === "info" || d.log.level === "debug";
  if (!logged && !d.news?.wanted("concluded")) return;
  const concludedAt = Date.now();
  if (p.type !== undefined && p.receivedAt !== undefined) return tellConcluded(d, p, c, p.type, p.receivedAt, concludedAt, logged);
  // A press resumed after a restart, or fired by another relay: its facts are in the store.
  d.events.get(p.eventId).then(
    (row) => tellConcluded(d, p, c, row?.type as ActionEventType | undefined, row?.received_at, concludedAt, logged),
    () => tellConcluded(d, p, c, undefined, undefined, concludedAt, logged),
  );
}

function tellConcluded(d: PressDeps, p: Answering, c: Conclusion, type: ActionEventType | undefined, receivedAt: number | undefined, concludedAt: number, logged: boolean): void {
  const reason = c.ok ? undefined : (c.reason ?? "internal");
  const durationMs = receivedAt === undefined ? undefined : concludedAt - receivedAt;
  const outcome = c.ok ? "ok" : "fail";
  if (logged) d.log.info("press " + outcome, { bttn: p.bttnId, type, outcome, reason, status: c.status, durationMs, error: c.error });
  d.news?.tell("concluded", { bttn: p.bttnId, type, eventId: p.eventId, boot: p.boot, outcome, reason, status: c.status, durationMs });
}
