// A clock a test moves by hand, for things that wait hours (the not-pressed watch). Timers fire in
// order as time passes; after each, the clock waits (in real time) until its owner has set its next
// timer, since the owner's work in between is asynchronous.
import type { Clock } from "../../relay/src/schedule/clock";
import { waitFor } from "./temp";

interface Timer {
  at: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private timers: Timer[] = [];

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Sets the time without firing anything (the relay is stopped meanwhile). */
  set(t: number): void {
    this.t = t;
  }

  /** Moves time to `until`, firing the timers due on the way; each must be replaced by a next one. */
  async advanceTo(until: number): Promise<void> {
    for (let n = 0; n < 100_000; n++) {
      const due = this.timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
      await waitFor(() => this.timers.length > 0, 5000, "the next timer");
    }
    this.t = Math.max(this.t, until);
  }
}
