// Time for things that wait hours (the not-pressed watch): tests bring a clock they move by hand.

export interface Clock {
  now(): number;
  /** Calls `fn` once after `ms`; returns a function that cancels it. Must not keep the process alive. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};
