// The press path put together: the bus's messages are routed by topic kind (route.ts) to the event
// and status handlers, and every press taken runs `handlePress` (press.ts) to its answer. This class
// keeps what spans presses: the presses not yet answered (backpressure and shutdown wait for them),
// the counts, and the async waits taken up again after a restart.
import type { ActionEventType, DeviceEvent } from "@bttn/shared";
import type { CallbackRow, EventSummary } from "../store/store";
import { PressRateLimiter } from "../limits/press-rate";
import type { Bttn } from "../store/bttns";
import type { FeedEvent } from "../store/events";
import { Answering, conclude, RELAY_BOOT, tellEnded, tellPending, VIRTUAL_BOOT } from "./conclude";
import type { PressDeps, PressStats } from "./deps";
import { onEvent } from "./on-event";
import { onStatus } from "./on-status";
import { handlePress, verdictConclusion } from "./press";
import { PressProgress } from "./progress";
import { OnMessage, routeByKind } from "./route";

export { RELAY_BOOT, VIRTUAL_BOOT } from "./conclude";

/** See press.ts's `fire`; documented in the protocol reference (README). */
export const PENDING_AFTER_MS = 100;

/** When an action's own callback timeout is no longer known (its action was removed). */
const DEFAULT_CALLBACK_TIMEOUT_MS = 60_000;

const answering = (row: CallbackRow): Answering => ({ bttnId: row.bttn, eventId: row.eventId, boot: row.boot, seq: row.seq });

/** The parts and settings of the press path; the pipeline makes the rest (rate limiter, counts). */
export type PipelineOptions = Omit<PressDeps, "limiter" | "stats" | "pendingAfterMs"> & {
  /** Publish `pending` when an action has not finished after this long (default PENDING_AFTER_MS). */
  pendingAfterMs?: number;
};

export class Pipeline {
  readonly stats: PressStats = { events: 0, duplicates: 0, rejected: 0, ok: 0, fail: 0, rateLimited: 0 };
  /** Presses taken and not yet answered. */
  private unanswered = new Set<Promise<void>>();
  private readonly d: PressDeps;
  /** The bus's message handler. */
  readonly onMessage: OnMessage;

  constructor(o: PipelineOptions) {
    const { pendingAfterMs, ...parts } = o;
    this.d = { ...parts, limiter: new PressRateLimiter(o.rateLimit), pendingAfterMs: pendingAfterMs ?? PENDING_AFTER_MS, stats: this.stats };
    const take = (bttn: Bttn, ev: DeviceEvent, receivedAt: number, done: () => void) => void this.take(bttn, ev, receivedAt).answered.then(done);
    this.onMessage = routeByKind(this.d, { event: onEvent(this.d, take), status: onStatus(this.d) });
    // A press another relay fired, decided here (its callback came to this relay, or its relay is gone).
    o.callbacks.handOthersTo({
      decided: (row, outcome) => conclude(this.d, answering(row), verdictConclusion(outcome)),
      waiting: (row) => (remainingMs) => tellPending(this.d, answering(row), remainingMs),
      timeoutFor: async (row) => this.callbackTimeoutOf(row, (await this.d.events.get(row.eventId))?.type),
    });
  }

  private take(bttn: Bttn, ev: FeedEvent, receivedAt: number): PressProgress {
    const progress = new PressProgress();
    handlePress(this.d, { bttn, ev, receivedAt }, progress)
      .catch((err) => this.d.log.error("a press's handling failed", { bttn: bttn.id, boot: ev.boot, seq: ev.seq, error: err as Error }))
      .finally(() => progress.end());
    const answered = progress.answered;
    this.unanswered.add(answered);
    answered.then(() => this.unanswered.delete(answered));
    return progress;
  }

  /**
   * A bttn was not pressed in its window (schedule/not-pressed.ts): its `not-pressed` event (identity:
   * boot RELAY_BOOT, seq the window's end in seconds, so one window fires once) goes the way of a
   * press. Resolves once the event is recorded; the action goes on.
   */
  notPressed(bttn: Bttn, windowEnd: number, now: number): Promise<void> {
    const ev: FeedEvent = { v: 1, boot: RELAY_BOOT, seq: Math.floor(windowEnd / 1000), type: "not-pressed", age: Math.max(0, now - windowEnd) };
    return this.take(bttn, ev, now).recorded.then(() => undefined);
  }

  /**
   * A press made without a device (the console's or the API's "Press"): it goes the way of a
   * device's press (recorded, counted, rate limited, fired, concluded) with boot VIRTUAL_BOOT, which
   * marks it in the feed, and a seq that never repeats for the bttn (the clock, kept increasing).
   * `recorded` resolves to its event id; the outcome is told as news (`concluded`).
   */
  pressVirtually(bttn: Bttn, type: FeedEvent["type"]): PressProgress {
    const now = Date.now();
    this.lastVirtualSeq = Math.max(this.lastVirtualSeq + 1, now);
    return this.take(bttn, { v: 1, boot: VIRTUAL_BOOT, seq: this.lastVirtualSeq, type, age: 0 }, now);
  }
  private lastVirtualSeq = 0;

  /**
   * After a restart: presses that waited for their async callback wait on (each with its action's
   * callback timeout), and their verdicts conclude them. Returns how many.
   */
  async resumeWaits(): Promise<number> {
    const d = this.d;
    const types = new Map<number, string>();
    const restored = await d.callbacks.restore(
      async (eventId) => {
        const e = await d.events.get(eventId);
        if (e) types.set(eventId, e.type);
        return e?.state;
      },
      (row) => this.callbackTimeoutOf(row, types.get(row.eventId)),
      (row) => (remainingMs) => tellPending(d, answering(row), remainingMs),
    );
    for (const { row, verdict } of restored) {
      verdict.then((end) => {
        if (end !== "closed") conclude(d, answering(row), verdictConclusion(end));
      });
    }
    return restored.length;
  }

  /**
   * Presses another relay of the group had taken when it stopped answering: the store closed them
   * as `fail internal` (they are not fired again); their bttns hear it from here.
   */
  closeOrphans(orphans: EventSummary[]): void {
    for (const e of orphans) {
      const who: Answering = { bttnId: e.bttn, eventId: e.id, boot: e.boot, seq: e.seq, type: e.type as ActionEventType, receivedAt: e.received_at };
      tellEnded(this.d, who, { ok: false, reason: "internal", error: "the relay that took it stopped answering" });
    }
  }

  /** The callback timeout of the action a waiting press fired (its bttn's action now). */
  private callbackTimeoutOf(row: CallbackRow, type: string | undefined): number {
    return this.d.bttns.get(row.bttn)?.actions[type as ActionEventType]?.http.callbackTimeout ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  }

  /** Waits for the presses taken and not yet answered (each is bounded by its action's timeout). */
  async drain(): Promise<void> {
    while (this.unanswered.size) await Promise.allSettled([...this.unanswered]);
  }

  /** Presses taken and not yet answered. */
  get pending(): number {
    return this.unanswered.size;
  }
}
