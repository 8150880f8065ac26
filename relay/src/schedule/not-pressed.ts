// The not-pressed watch: a bttn with `notPressed: {"between": "07:00-10:00"}` is expected to be
// pressed in that window every day. When a window ends without a press, the bttn's `not-pressed`
// event is recorded in its feed and its action fires, once per window:
// - a little after the window ends (GRACE_MS), so a press made just before the end still arrives;
// - at start-up for a window that ended while the relay was down (only the last such window: a relay
//   that was down for a week fires once, not seven times);
// - never twice for one window: the last window checked is kept in the database, and the event's
//   identity (bttn, "relay", window end) is unique like a device's press.
// A bttn seen with a window for the first time is watched from then on: windows that ended before
// are not checked.
import type { Bttn } from "../store/bttns";
import type { NotPressedRepo } from "../store/store";
import type { Logger } from "../log";
import type { Clock } from "./clock";
import { lastEnded, nextEnding, parseBetween, Period } from "./daily-window";

/** How long after a window's end it is checked, for a press made just before the end to arrive. */
export const GRACE_MS = 60_000;
/** The longest sleep between checks, so that a window added or changed meanwhile is picked up. */
export const MAX_SLEEP_MS = 60_000;

export interface NotPressedWatchOptions {
  bttns: () => Bttn[];
  store: NotPressedRepo;
  /** Records the bttn's not-pressed event for the window and starts its action; resolves once recorded. */
  fire: (bttn: Bttn, window: Period, now: number) => Promise<void>;
  clock: Clock;
  log: Logger;
  /** Zone of bttns without their own `timeZone` (default: the relay's). */
  timeZone?: string;
}

export class NotPressedWatch {
  private cancel?: () => void;
  private stopped = false;
  private running?: Promise<void>;
  private readonly defaultZone: string;

  constructor(private readonly o: NotPressedWatchOptions) {
    this.defaultZone = o.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  /** Checks the windows that ended while the relay was down, then keeps watching. */
  start(): Promise<void> {
    return this.tick();
  }

  /** Stops the timer and waits for a check under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    await this.running;
  }

  private tick(): Promise<void> {
    this.cancel = undefined;
    this.running = this.check()
      .catch((err) => this.o.log.error("the not-pressed check failed; trying again later", { error: err as Error }))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.cancel = this.o.clock.setTimer(() => void this.tick(), this.sleepMs());
      });
    return this.running;
  }

  private zone(b: Bttn): string {
    return b.props.timeZone ?? this.defaultZone;
  }

  private async check(): Promise<void> {
    const now = this.o.clock.now();
    for (const b of this.o.bttns()) {
      const w = b.props.notPressed && parseBetween(b.props.notPressed.between);
      if (!w || this.stopped) continue;
      const period = lastEnded(w, this.zone(b), now - GRACE_MS);
      const checked = await this.o.store.checkedUntil(b.id);
      if (checked !== undefined && period.end <= checked) continue;
      // Each window is checked by one relay of a group: the one that moves the mark first. (Should
      // two fire anyway, the event's identity, the window's end, makes the second a repeat.)
      if (!(await this.o.store.claimWindow(b.id, period.end))) continue;
      if (checked !== undefined && !(await this.o.store.pressedBetween(b.id, period.start, period.end))) {
        this.o.log.info("not pressed in its window: not-pressed", { bttn: b.id, between: b.props.notPressed!.between, windowEnd: new Date(period.end).toISOString() });
        await this.o.fire(b, period, now);
      }
    }
  }

  /** Until the next window end (plus the grace) of any bttn, at most MAX_SLEEP_MS. */
  private sleepMs(): number {
    const now = this.o.clock.now();
    let next = now + MAX_SLEEP_MS;
    for (const b of this.o.bttns()) {
      const w = b.props.notPressed && parseBetween(b.props.notPressed.between);
      if (w) next = Math.min(next, nextEnding(w, this.zone(b), now - GRACE_MS).end + GRACE_MS);
    }
    return Math.max(0, next - now);
  }
}
