// The Digest state one action keeps between presses: the last challenge per origin and realm, and
// for each nonce how many requests used it. Reusing a nonce saves the 401 round trip on every
// press after the first; the counter (nc) must then grow with each use of that nonce and never
// repeat, or the server takes the request for a replay (RFC 7616 section 3.4). Presses run
// concurrently, so the counter is taken synchronously, and a nonce keeps its counter even when
// another challenge replaced it for a while.
import type { DigestChallenge } from "./digest";

/** One server nonce and the number of requests sent with it so far. */
export interface NonceState {
  readonly challenge: DigestChallenge;
  used: number;
}

const MAX_NC = 0xffffffff; // nc is 8 hex digits
const MAX_NONCES = 64; // old nonces only matter while requests made with them are in flight

export class NonceCache {
  private nonces = new Map<string, NonceState>();
  private latestByRealm = new Map<string, string>();
  // The first request to an origin does not know its realm yet: take the one that answered last.
  private lastRealm = new Map<string, string>();

  /** The state to sign a first request to this origin with, if any. */
  latest(origin: string): NonceState | undefined {
    const realm = this.lastRealm.get(origin);
    if (realm === undefined) return undefined;
    const key = this.latestByRealm.get(origin + "\n" + realm);
    return key === undefined ? undefined : this.nonces.get(key);
  }

  /** Records a challenge from the server as the one to use next; a known nonce keeps its count. */
  remember(origin: string, challenge: DigestChallenge): NonceState {
    const realmKey = origin + "\n" + challenge.realm;
    const key = realmKey + "\n" + challenge.nonce;
    let state = this.nonces.get(key);
    if (!state) {
      state = { challenge, used: 0 };
      this.nonces.set(key, state);
      if (this.nonces.size > MAX_NONCES) this.nonces.delete(this.nonces.keys().next().value as string);
    }
    this.latestByRealm.set(realmKey, key);
    this.lastRealm.set(origin, challenge.realm);
    return state;
  }

  /** Takes the next nc for this nonce; undefined once the 8 hex digits are spent. */
  take(state: NonceState): number | undefined {
    if (state.used >= MAX_NC) return undefined;
    state.used++;
    return state.used;
  }

  /** The server named the nonce to use from now on (`nextnonce`, RFC 7616 section 3.5). */
  rotate(origin: string, state: NonceState, nextnonce: string): void {
    if (nextnonce === state.challenge.nonce) return;
    this.remember(origin, { ...state.challenge, nonce: nextnonce, stale: false });
  }
}
