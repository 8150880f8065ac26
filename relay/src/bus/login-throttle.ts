// Slows down guessing of bttn secrets: after a few failed MQTT logins from one client address, that
// address is locked out for a while, longer each time it fails again. Only the address that fails
// is slowed down: the same bttn logs in from anywhere else as usual.
export interface LoginThrottleOptions {
  /** Failed logins from one address before it is locked out. */
  failures: number;
  /** The first lockout; each later one doubles, up to maxLockoutMs. */
  lockoutMs: number;
  maxLockoutMs: number;
  /** An address that has been quiet this long starts afresh. */
  forgetAfterMs: number;
  /** Addresses tracked at once (the oldest are forgotten first). */
  maxAddresses: number;
  now?: () => number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  failures: 5,
  lockoutMs: 2000,
  maxLockoutMs: 60_000,
  forgetAfterMs: 10 * 60_000,
  maxAddresses: 10_000,
};

interface AddressState {
  failures: number;
  lockedUntil: number;
  /** The next lockout's length. */
  nextLockoutMs: number;
  last: number;
}

export class LoginThrottle {
  private readonly addresses = new Map<string, AddressState>();
  private readonly now: () => number;

  constructor(private readonly o: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE) {
    this.now = o.now ?? Date.now;
  }

  /** Milliseconds `address` is still locked out for (0: it may try). */
  lockedFor(address: string): number {
    const s = this.get(address);
    return s ? Math.max(0, s.lockedUntil - this.now()) : 0;
  }

  /** Records a failed login; returns the lockout it starts (ms), or 0. */
  failed(address: string): number {
    const now = this.now();
    let s = this.get(address);
    if (!s) {
      if (this.addresses.size >= this.o.maxAddresses) this.addresses.delete(this.addresses.keys().next().value!);
      s = { failures: 0, lockedUntil: 0, nextLockoutMs: this.o.lockoutMs, last: now };
    }
    // Re-inserted: the map stays in order of last activity, oldest first.
    this.addresses.delete(address);
    this.addresses.set(address, s);
    s.last = now;
    if (++s.failures < this.o.failures || s.lockedUntil > now) return 0;
    const ms = s.nextLockoutMs;
    s.lockedUntil = now + ms;
    s.nextLockoutMs = Math.min(ms * 2, this.o.maxLockoutMs);
    return ms;
  }

  /** A successful login: the address starts afresh. */
  succeeded(address: string): void {
    this.addresses.delete(address);
  }

  get size(): number {
    return this.addresses.size;
  }

  private get(address: string): AddressState | undefined {
    const s = this.addresses.get(address);
    if (s && this.now() - s.last >= this.o.forgetAfterMs && s.lockedUntil <= this.now()) {
      this.addresses.delete(address);
      return undefined;
    }
    return s;
  }
}
