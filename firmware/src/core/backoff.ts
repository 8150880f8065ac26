// Retry delays that grow (1 s, 2 s, 4 s, ... up to a cap) and are spread by ±25 % so that a houseful
// of buttons coming back after a relay restart do not all knock at the same millisecond.

/** Delay before retry number `attempt` (0 = the first retry); `rnd` in [0, 1) spreads it. */
export function backoff(attempt: number, baseMs: number, maxMs: number, rnd: number): number {
  const d = Math.min(maxMs, baseMs * Math.pow(2, Math.min(attempt, 20)));
  return Math.round(d * (0.75 + rnd / 2));
}
