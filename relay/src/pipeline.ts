// The relay's loop for one message: event → validate → de-duplicate (store) → count → `pending` →
// action → `ok`/`fail` → record. Bad input is logged with the reason and dropped; nothing here
// throws back into the broker.
import {
  decodeEvent,
  decodeStatus,
  DeviceEvent,
  encodeResult,
  failResult,
  MAX_PAYLOAD,
  okResult,
  parseTopic,
  pendingResult,
  Reason,
  Result,
  topicFor,
} from "@bttn/shared";
import type { Bus } from "./bus/bus";
import type { ActionEngine, Outcome } from "./engine/engine";
import { buildRequest } from "./engine/build";
import { tagContext } from "./engine/context";
import { ActionError, HttpRequest } from "./engine/http";
import type { Logger } from "./log";
import { redactUrl } from "./redact";
import type { Bttn, BttnStore } from "./store/bttns";
import type { Accepted, EventStore, FeedEvent } from "./store/events";
import type { StatusStore } from "./store/status";
import type { HttpAction } from "./config/schema";
import { resolveTls } from "./engine/tls";
import { checkDynamicTarget } from "./engine/dynamic-origins";
import type { CallbackManager, Outcome as CallbackOutcome } from "./callbacks/manager";
import type { CallbackRow } from "./callbacks/store";
import { PressRateLimiter, RateLimit } from "./limits/press-rate";
import type { RelayNews } from "./news";

/**
 * The `boot` of events the relay makes itself (not-pressed). A device's boot is hex, so this one
 * can never be a device's; nothing is published to the device for these.
 */
export const RELAY_BOOT = "relay";

/** See onAccepted; documented in the protocol reference (README). */
export const PENDING_AFTER_MS = 100;

export interface PipelineOptions {
  /** Publish `pending` when an action has not finished after this long (default PENDING_AFTER_MS). */
  pendingAfterMs?: number;
  prefix: string;
  bus: Bus;
  bttns: BttnStore;
  events: EventStore;
  status: StatusStore;
  engine: ActionEngine;
  log: Logger;
  timeZone?: string;
  /** Events older than this (ms, by their `age`) fail with `stale` instead of firing. */
  staleAfterMs: number;
  /** Resolves a dynamic webhook URL for a bttn; undefined when none is registered. */
  dynamicUrl?: (bttnId: string) => string | undefined;
  /** Async actions' callbacks; without it, `async: true` actions fail with `internal`. */
  callbacks?: CallbackManager;
  /** Per-bttn press rate limit; undefined: none. */
  rateLimit?: RateLimit;
  /** Told what happens to presses and devices (live views, metrics). */
  news?: RelayNews;
}

const noop = () => {};

type Ident = { boot: string; seq: number };

/** What the log line of a press's outcome says about it besides the outcome. */
interface PressFacts {
  type: FeedEvent["type"];
  /** When the relay received it (ms since the epoch): the line's duration counts from there. */
  receivedAt: number;
  /** Why its action failed (never holds secrets: see engine/engine.ts's Outcome). */
  error?: string;
}

export class Pipeline {
  private inFlight = new Set<Promise<void>>();
  readonly stats = { events: 0, duplicates: 0, rejected: 0, ok: 0, fail: 0, rateLimited: 0 };
  private readonly limiter: PressRateLimiter;

  constructor(private readonly o: PipelineOptions) {
    this.limiter = new PressRateLimiter(o.rateLimit);
  }

  /**
   * The bus's message handler. `done` is called once the message is handled: for a press, when it
   * is answered (or waits for an async callback); the bus's backpressure counts on it.
   */
  readonly onMessage = (topic: string, payload: Buffer, done: () => void = noop): void => {
    const t = parseTopic(this.o.prefix, topic);
    if (!t) {
      this.reject(topic, "topic is not <prefix>/<bttn id>/event or status");
      return done();
    }
    if (payload.length > MAX_PAYLOAD) {
      this.reject(topic, "payload: " + payload.length + " bytes, larger than " + MAX_PAYLOAD);
      return done();
    }
    const text = payload.toString("utf8");
    if (t.kind === "status") {
      this.onStatus(t.id, topic, text);
      return done();
    }
    if (t.kind !== "event") return done(); // our own result/config publishes are not delivered to us
    const d = decodeEvent(text);
    if (!d.ok) {
      this.reject(topic, looksLikeStatus(text) ? "payload is a status message on an event topic" : d.error);
      return done();
    }
    const bttn = this.o.bttns.get(t.id);
    if (!bttn) {
      this.reject(topic, "no bttn with id " + JSON.stringify(t.id) + " is configured");
      return done();
    }
    this.onEvent(bttn, d.value, done);
  };

  private reject(topic: string, why: string): void {
    this.stats.rejected++;
    // Summarised per topic and reason: a device (or a client of an external broker) can repeat it fast.
    this.o.log.repeated("rejected|" + topic.slice(0, 100) + "|" + why.slice(0, 100), "messages rejected on " + topic.slice(0, 100) + " for the same reason", "warn", "message rejected", { topic, why });
  }

  private onStatus(id: string, topic: string, text: string): void {
    const d = decodeStatus(text);
    if (!d.ok) return this.reject(topic, d.error);
    if (!this.o.bttns.get(id)) return this.reject(topic, "no bttn with id " + JSON.stringify(id) + " is configured");
    this.o.status.setOnline(id, d.value.online, d.value.fw, Date.now());
    if (d.value.bat !== undefined || d.value.rssi !== undefined) this.o.status.heard(id, d.value.bat, d.value.rssi, Date.now());
    this.o.log.info(d.value.online ? "bttn online" : "bttn offline", { bttn: id, fw: d.value.fw });
    this.o.news?.tell("heard", { bttn: id, online: d.value.online, fw: d.value.fw, bat: d.value.bat, rssi: d.value.rssi, at: Date.now() });
  }

  private publish(bttnId: string, r: Result): void {
    if (r.boot === RELAY_BOOT) return; // the relay's own event: the device did not send it and waits for no answer
    this.o.bus.publish(topicFor(this.o.prefix, bttnId, "result"), encodeResult(r), false);
  }

  private onEvent(bttn: Bttn, ev: DeviceEvent, done: () => void): void {
    const now = Date.now();
    const p = this.o.events.accept(bttn.id, ev, now).then(
      (accepted) => this.onAccepted(bttn, ev, now, accepted),
      (err) => {
        // Not committed, so not fired (its identity is what keeps a redelivery from firing twice).
        this.stats.fail++;
        this.o.log.error("could not record the event: answered fail internal, not fired", { bttn: bttn.id, boot: ev.boot, seq: ev.seq, error: err as Error });
        if (ev.type !== "heartbeat" || bttn.actions.heartbeat) this.publish(bttn.id, failResult(ev, "internal"));
      },
    ).catch((err) => this.o.log.error("a press's handling failed", { bttn: bttn.id, boot: ev.boot, seq: ev.seq, error: err as Error }));
    this.track(p);
    p.then(done);
  }

  /**
   * A bttn was not pressed in its window (schedule/not-pressed.ts): records its `not-pressed` event
   * (identity: boot RELAY_BOOT, seq the window's end in seconds, so one window fires once) and
   * fires its action like a press's. Resolves once the event is recorded; the action goes on.
   */
  notPressed(bttn: Bttn, windowEnd: number, now: number): Promise<void> {
    const ev: FeedEvent = { v: 1, boot: RELAY_BOOT, seq: Math.floor(windowEnd / 1000), type: "not-pressed", age: Math.max(0, now - windowEnd) };
    const recorded = this.o.events.accept(bttn.id, ev, now);
    const p = recorded
      .then((accepted) => this.onAccepted(bttn, ev, now, accepted))
      .catch((err) => this.o.log.error("could not record or fire not-pressed", { bttn: bttn.id, seq: ev.seq, error: err as Error }));
    this.track(p);
    return recorded.then(() => undefined);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    p.finally(() => this.inFlight.delete(p));
  }

  /** Returns the action under way, if one was started. */
  private onAccepted(bttn: Bttn, ev: FeedEvent, now: number, accepted: Accepted): Promise<void> | void {
    if (!accepted.fresh) {
      this.stats.duplicates++;
      this.o.log.debug("duplicate event, not fired again", { bttn: bttn.id, boot: ev.boot, seq: ev.seq, state: accepted.state });
      // The device may have missed the answer: say again how it went (or that it is still going).
      if (accepted.state === "ok") this.publish(bttn.id, okResult(ev, accepted.code ?? undefined));
      else if (accepted.state === "fail") this.publish(bttn.id, failResult(ev, accepted.reason ?? "internal", accepted.code ?? undefined));
      else if (accepted.state === "waiting") {
        const left = this.o.callbacks?.remainingFor(accepted.eventId);
        if (left !== undefined) this.publish(bttn.id, pendingResult(ev, left));
      }
      return;
    }
    this.stats.events++;
    if (ev.bat !== undefined || ev.rssi !== undefined) {
      this.o.status.heard(bttn.id, ev.bat, ev.rssi, now);
      this.o.news?.tell("heard", { bttn: bttn.id, bat: ev.bat, rssi: ev.rssi, at: now });
    }
    this.o.news?.tell("taken", { bttn: bttn.id, type: ev.type, eventId: accepted.eventId, boot: ev.boot, seq: ev.seq, at: now });

    const action = bttn.actions[ev.type]?.http;
    if (!action) {
      if (ev.type === "heartbeat") {
        this.o.events.finish(accepted.eventId, "ok", null, null);
        return; // heartbeats need no answer unless the user attached an action
      }
      return this.conclude(bttn.id, ev, accepted.eventId, "fail", "no-action", undefined, { type: ev.type, receivedAt: now });
    }
    const own = ev.boot === RELAY_BOOT; // not-pressed: late by design when the relay was down, and once a day
    if (!own && ev.age > this.o.staleAfterMs) return this.conclude(bttn.id, ev, accepted.eventId, "fail", "stale", undefined, { type: ev.type, receivedAt: now });
    if (!own && !this.limiter.take(bttn.id, now)) {
      this.stats.rateLimited++;
      const n = this.limiter.refused(bttn.id, now);
      if (n !== undefined) this.o.log.warn("presses over the rate limit: answered fail rate-limited, not fired", { bttn: bttn.id, presses: n, ...this.o.rateLimit });
      return this.conclude(bttn.id, ev, accepted.eventId, "fail", "rate-limited", undefined, { type: ev.type, receivedAt: now });
    }

    // `pending` only for actions that take a while: a webhook answering within PENDING_AFTER_MS
    // goes straight to ok/fail, which saves a publish and its PUBACK per press (the device shows
    // its own "sent" state meanwhile and waits at least FIRST_ANSWER_MS for a first answer).
    const pendingTimer = setTimeout(() => {
      this.publish(bttn.id, pendingResult(ev, action.timeout));
      this.o.news?.tell("pending", { bttn: bttn.id, eventId: accepted.eventId, remainingMs: action.timeout });
    }, this.o.pendingAfterMs ?? PENDING_AFTER_MS);
    return this.fire(bttn, ev, action, accepted.eventId, now, accepted.pressedAt, accepted.counters).finally(() => clearTimeout(pendingTimer));
  }

  private async fire(bttn: Bttn, ev: FeedEvent, action: HttpAction, eventId: number, receivedAt: number, pressedAt: number, counters: ReturnType<EventStore["getCounters"]>): Promise<void> {
    const startedAt = Date.now();
    let req: HttpRequest | undefined;
    let outcome: Outcome;
    let callback: { url: string; tokenHash: string } | undefined;
    try {
      let url = action.url;
      const dynamic = url === "dynamic";
      if (dynamic) {
        const registered = this.o.dynamicUrl?.(bttn.id);
        if (!registered) throw new ActionError("no-webhook", "no webhook URL is registered for this bttn");
        url = registered;
        checkDynamicTarget(action, url);
      }
      if (action.async) {
        if (!this.o.callbacks) throw new ActionError("internal", "async actions are not available");
        callback = await this.o.callbacks.issue(eventId, bttn.id, ev, action.callbackTimeout);
      }
      const ctx = tagContext(bttn, { eventId, type: ev.type, pressedAt, age: ev.age, bat: ev.bat, rssi: ev.rssi, counters, callbackUrl: callback?.url }, this.o.timeZone);
      req = buildRequest(action, url, dynamic, ctx, resolveTls(action, this.o.log, bttn.id + "/" + ev.type), { bttn: bttn.id, boot: ev.boot, seq: ev.seq });
      outcome = await this.o.engine.perform(action, req);
    } catch (err) {
      const e = err instanceof ActionError ? err : new ActionError("internal", (err as Error).message);
      outcome = { ok: false, reason: e.reason, error: e.message, durationMs: Date.now() - startedAt };
    }
    const run = {
      eventId,
      bttn: bttn.id,
      method: action.method,
      url: redactUrl(req ? req.url : action.url),
      status: outcome.status,
      durationMs: outcome.durationMs,
      reason: outcome.reason,
      error: outcome.error,
      startedAt,
    };
    this.o.events.recordRun(run);
    this.o.news?.tell("ran", run);
    if (callback) {
      // The first request of an async action only opens the wait; the callback decides.
      if (outcome.ok) this.o.events.markWaiting(eventId);
      this.o.callbacks!.firstRequestDone(callback.tokenHash, outcome.ok);
      if (outcome.ok) return;
    }
    const press: PressFacts = { type: ev.type, receivedAt, error: outcome.error };
    if (outcome.ok) this.conclude(bttn.id, ev, eventId, "ok", undefined, outcome.status, press);
    else this.conclude(bttn.id, ev, eventId, "fail", outcome.reason ?? "internal", outcome.status, press);
  }

  /** The callback manager's events: a verdict (or the deadline) decided an async press. */
  readonly callbackEvents = {
    decided: (row: CallbackRow, outcome: CallbackOutcome) => {
      if (outcome === "ok") this.conclude(row.bttn, row, row.eventId, "ok");
      else this.conclude(row.bttn, row, row.eventId, "fail", outcome === "timeout" ? "callback-timeout" : "negative");
    },
    waiting: (row: CallbackRow, remainingMs: number) => {
      this.publish(row.bttn, pendingResult(row, remainingMs));
      this.o.news?.tell("pending", { bttn: row.bttn, eventId: row.eventId, remainingMs });
    },
  };

  /**
   * Every press ends here: recorded, answered, and one info line in the log (the only one for a
   * press that went well), built only when info lines are written: it is on every press's path.
   */
  private conclude(bttnId: string, ev: Ident, eventId: number, state: "ok" | "fail", reason?: Reason, code?: number, press?: PressFacts): void {
    this.o.events.finish(eventId, state, reason ?? null, code ?? null);
    if (state === "ok") {
      this.stats.ok++;
      this.publish(bttnId, okResult(ev, code));
    } else {
      this.stats.fail++;
      this.publish(bttnId, failResult(ev, reason ?? "internal", code));
    }
    // After the answer is on its way: the bttn does not wait for the log or the watchers.
    if (this.o.log.level === "info" || this.o.log.level === "debug") this.logOutcome(bttnId, eventId, state, reason, code, press);
    if (this.o.news?.wanted("concluded")) {
      const type = press ? press.type : this.o.events.get(eventId)?.type;
      this.o.news.tell("concluded", { bttn: bttnId, type: type as FeedEvent["type"] | undefined, eventId, outcome: state, reason, status: code, durationMs: press ? Date.now() - press.receivedAt : undefined });
    }
  }

  private logOutcome(bttn: string, eventId: number, outcome: "ok" | "fail", reason: Reason | undefined, status: number | undefined, press: PressFacts | undefined): void {
    // An async press decided by its callback: its facts are in the store (it may predate a restart).
    const row = press ? undefined : this.o.events.get(eventId);
    const receivedAt = press ? press.receivedAt : row?.received_at;
    this.o.log.info("press " + outcome, {
      bttn,
      type: press ? press.type : row?.type,
      outcome,
      reason,
      status,
      durationMs: receivedAt === undefined ? undefined : Date.now() - receivedAt,
      error: press?.error,
    });
  }

  /** Waits for actions under way (each is bounded by its own timeout). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  get pending(): number {
    return this.inFlight.size;
  }
}

function looksLikeStatus(text: string): boolean {
  try {
    const o = JSON.parse(text);
    return typeof o === "object" && o !== null && "online" in o;
  } catch {
    return false;
  }
}
