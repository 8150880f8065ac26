// The web console's sign-in: an admin token is exchanged once for a session, whose random id the
// browser keeps in an HttpOnly cookie, so the token itself is typed once and never stored by the
// page. Sessions live in memory (a restart signs everyone out) and only their ids' hashes are kept;
// each is tied to the admin key that opened it, so revoking that key ends its sessions too.
import { createHash, randomBytes } from "node:crypto";

export const SESSION_COOKIE = "bttn_session";

export interface SessionOptions {
  /** How long a session lasts from sign-in (no sliding renewal: sign in again after it). */
  ttlMs: number;
  /** Sessions kept at once; signing in beyond it ends the oldest. */
  max: number;
  now?: () => number;
}

export const SESSION_DEFAULTS: SessionOptions = { ttlMs: 12 * 3600_000, max: 64 };

export interface Session {
  /** The admin key that signed in. */
  keyId: string;
  createdAt: number;
  expiresAt: number;
}

const hashOf = (id: string) => createHash("sha256").update(id).digest("base64url");

export class Sessions {
  /** By the hash of the cookie's value, oldest first. */
  private readonly open = new Map<string, Session>();
  private readonly now: () => number;

  constructor(readonly o: SessionOptions = SESSION_DEFAULTS) {
    this.now = o.now ?? Date.now;
  }

  /** Opens a session for `keyId`; the returned id goes into the cookie and is not kept. */
  start(keyId: string): { id: string; session: Session } {
    this.dropExpired();
    if (this.open.size >= this.o.max) this.open.delete(this.open.keys().next().value!);
    const id = randomBytes(32).toString("base64url");
    const at = this.now();
    const session = { keyId, createdAt: at, expiresAt: at + this.o.ttlMs };
    this.open.set(hashOf(id), session);
    return { id, session };
  }

  /** The session of a cookie value, if it is open and not expired. */
  get(id: string): Session | undefined {
    const h = hashOf(id);
    const s = this.open.get(h);
    if (s && s.expiresAt <= this.now()) {
      this.open.delete(h);
      return undefined;
    }
    return s;
  }

  end(id: string): boolean {
    return this.open.delete(hashOf(id));
  }

  get size(): number {
    this.dropExpired();
    return this.open.size;
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [h, s] of this.open) if (s.expiresAt <= now) this.open.delete(h);
  }
}
