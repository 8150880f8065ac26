// Who is logged in as which bttn on the embedded broker. aedes' client objects stay aedes' own: what
// we know about a client is kept here, keyed by the object (a WeakMap, so a client aedes lets go of
// takes its entry with it), and the clients of each bttn are listed from aedes' public 'client' and
// 'clientDisconnect' events, so a bttn's sessions can be ended without reading aedes' private map.

/** What a client logged in as. */
export interface Session {
  bttnId: string;
  /** The secret (its hash) it logged in with: once its bttn has another, or is gone, its presses are refused. */
  secretHash?: string;
}

/** The part of an aedes client this needs (tests use plain objects). */
export interface SessionClient {
  readonly closed: boolean;
}

export class BttnSessions<C extends SessionClient> {
  private readonly sessions = new WeakMap<C, Session>();
  private readonly byBttn = new Map<string, Set<C>>();

  /** `client` passed authentication as `session.bttnId`. */
  loggedIn(client: C, session: Session): void {
    this.sessions.set(client, session);
  }

  /** What `client` logged in as; undefined before its login. */
  of(client: C): Session | undefined {
    return this.sessions.get(client);
  }

  /** aedes' 'client': the client is connected (registered after its login). */
  connected(client: C): void {
    const s = this.sessions.get(client);
    if (!s || client.closed) return; // gone before its registration finished: no 'clientDisconnect' will come
    let set = this.byBttn.get(s.bttnId);
    if (!set) this.byBttn.set(s.bttnId, (set = new Set()));
    // aedes skips 'clientDisconnect' for a client whose id another took over in a race: drop such
    // closed ones as the bttn comes back, so they cannot pile up.
    for (const c of set) if (c.closed) set.delete(c);
    set.add(client);
  }

  /** aedes' 'clientDisconnect'. */
  disconnected(client: C): void {
    const s = this.sessions.get(client);
    const set = s && this.byBttn.get(s.bttnId);
    if (!set) return;
    set.delete(client);
    if (set.size === 0) this.byBttn.delete(s.bttnId);
  }

  /** The connected clients logged in as `bttnId` (a copy: closing them changes the registry). */
  clientsOf(bttnId: string): C[] {
    return [...(this.byBttn.get(bttnId) ?? [])].filter((c) => !c.closed);
  }

  /** How many bttns have a client connected (for tests and health). */
  get bttnCount(): number {
    return this.byBttn.size;
  }
}
