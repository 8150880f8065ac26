// A token bucket per bttn: how many actions one bttn may fire in a burst, and how fast that
// allowance comes back. A person pressing a real button never reaches it (the firmware queues at
// most 20 presses while offline and sends them together at reconnect, which fits in the burst);
// a leaked secret in a script does, and then its presses are answered `fail rate-limited` instead
// of each firing a webhook.

/** Defaults, documented in the README (Security → Overload, rate limits and shutdown). */
export const DEFAULT_RATE_LIMIT = { burst: 30, perSecond: 2 } as const;

export interface RateLimit {
  /** Presses that may fire back to back; 0 turns the limit off. */
  burst: number;
  /** Presses per second the allowance refills by. */
  perSecond: number;
}

export class PressRateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  private warned = new Map<string, { at: number; count: number }>();

  constructor(private readonly limit: RateLimit | undefined) {}

  get enabled(): boolean {
    return !!this.limit && this.limit.burst > 0;
  }

  /** Takes one press's token for `bttnId` at `now` (ms); false when its allowance is used up. */
  take(bttnId: string, now: number): boolean {
    const l = this.limit;
    if (!l || l.burst <= 0) return true;
    let b = this.buckets.get(bttnId);
    if (!b) {
      // One entry per configured bttn (only those reach here), so the map stays small.
      b = { tokens: l.burst, at: now };
      this.buckets.set(bttnId, b);
    }
    b.tokens = Math.min(l.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * l.perSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Counts a refused press; returns how many to report when a warning for `bttnId` is due (one a minute). */
  refused(bttnId: string, now: number): number | undefined {
    let w = this.warned.get(bttnId);
    if (!w) this.warned.set(bttnId, (w = { at: -Infinity, count: 0 }));
    w.count++;
    if (now - w.at < 60_000) return undefined;
    const n = w.count;
    w.at = now;
    w.count = 0;
    return n;
  }
}
