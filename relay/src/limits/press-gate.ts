// Backpressure: at most `bound` presses in progress (taken from a device and not yet answered). A
// press over the bound waits here before the broker acknowledges it, and because the broker reads a
// device's socket again only when every packet of its last read is handled, that device's further
// presses wait in its own queue and in TCP, not in the relay's memory. When the presses in progress
// fall to the low-water mark, the waiting ones go in, oldest first. Nothing is dropped.
//
// On shutdown the gate closes: presses not yet admitted are never acknowledged, so a device sends
// them again (QoS 1) to the next relay; the ones admitted are finished first.
import type { Logger } from "../log";

/** Default bound; documented in the README (Security → Overload, rate limits and shutdown). */
export const DEFAULT_MAX_IN_PROGRESS = 512;

/** At most one "overloaded" warning per this many ms; the rest are counted into the next one. */
const WARN_EVERY_MS = 60_000;

export class PressGate {
  readonly lowWater: number;
  private inProgress = 0;
  private held: Array<() => void> = [];
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private lastWarn = -Infinity;
  private pausesSinceWarn = 0;
  /** For /healthz, tests and the benchmark. */
  readonly stats = { peak: 0, admitted: 0, waited: 0, pauses: 0 };

  constructor(
    readonly bound: number,
    private readonly log?: Logger,
  ) {
    this.lowWater = Math.floor((bound * 3) / 4);
  }

  /**
   * A press wants in. `start` runs now when there is room, later when there is, and never once the
   * gate is closed; it gets the `done` to call (once) when the press is answered.
   */
  admit(start: (done: () => void) => void): void {
    if (this.closed) return;
    if (!this.held.length && this.inProgress < this.bound) return this.enter(start);
    if (!this.held.length) this.paused();
    this.stats.waited++;
    this.held.push(() => this.enter(start));
  }

  get size(): number {
    return this.inProgress;
  }

  get waiting(): number {
    return this.held.length;
  }

  /** Stops admitting, at once and for good; presses waiting stay unacknowledged. */
  close(): void {
    this.closed = true;
    this.held = [];
  }

  /** Resolves when no admitted press is in progress. */
  idle(): Promise<void> {
    if (!this.inProgress) return Promise.resolve();
    return new Promise((res) => this.idleWaiters.push(res));
  }

  private enter(start: (done: () => void) => void): void {
    this.inProgress++;
    this.stats.admitted++;
    if (this.inProgress > this.stats.peak) this.stats.peak = this.inProgress;
    let left = false;
    start(() => {
      if (left) return;
      left = true;
      this.leave();
    });
  }

  private leave(): void {
    this.inProgress--;
    if (this.held.length && this.inProgress <= this.lowWater) {
      while (this.held.length && this.inProgress < this.bound) this.held.shift()!();
    }
    if (!this.inProgress) for (const f of this.idleWaiters.splice(0)) f();
  }

  private paused(): void {
    this.stats.pauses++;
    this.pausesSinceWarn++;
    const now = Date.now();
    if (now - this.lastWarn < WARN_EVERY_MS) return;
    this.log?.warn("overloaded: presses wait in the devices' queues until the relay catches up", { inProgress: this.inProgress, bound: this.bound, pauses: this.pausesSinceWarn });
    this.lastWarn = now;
    this.pausesSinceWarn = 0;
  }
}
