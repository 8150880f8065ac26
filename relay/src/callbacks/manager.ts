// Asynchronous actions: a callback URL per press, handed to the user's server through
// <CALLBACKURL>. The first request must succeed; then the press waits (the bttn shows pending)
// until the server calls back with its verdict, asks to Wait longer, or the deadline passes.
// Each token is single use: the first verdict wins, a second one finds nothing (404).
//
// A wait is a value the press path awaits (`AsyncWait.verdict`), with one hook (`waiting`) that
// tells the bttn how much longer it waits; the manager knows nothing of MQTT or results.
//
// In a group of relays (one shared store) the server may call back any relay, and any relay may
// be down when a deadline passes. So whoever decides a press first takes its row from the store
// (`claim`); the one that gets it concludes, everyone else lets go. The relay that fired the press
// decides it when the verdict reaches it or at its deadline; another relay decides it when the
// verdict reaches that relay (`OthersPresses` concludes it there), and every relay sweeps for
// rows whose deadline passed a while ago (their relay is gone) and concludes those.
import { randomBytes } from "node:crypto";
import type { Logger } from "../log";
import type { CallbackRepo, CallbackRow } from "../store/store";
import { hashToken } from "./token";
import type { Verdict } from "./verdict";

/** How many times a server may say Wait for one press. */
export const MAX_WAITS = 10;

/** How a wait ended: the server's verdict, or its deadline. */
export type Outcome = Exclude<Verdict, "wait"> | "timeout";

/**
 * What a wait's promise resolves to: its outcome, or `closed` when this relay will not conclude
 * it: the relay stops while the press still waits (its row stays in the store and the next start
 * waits on, see `restore`), or another relay of the group decided it.
 */
export type WaitEnd = Outcome | "closed";

/** Told each time the wait (re)starts: the bttn waits `remainingMs` more. */
export type WaitingHook = (remainingMs: number) => void;

export interface AsyncWait {
  /** The URL to hand to the server (the <CALLBACKURL> tag). */
  url: string;
  /** The first request is done: on failure the callback is void (the verdict never comes); on success the wait begins. */
  firstRequestDone(succeeded: boolean): void;
  /** Resolves once the press is decided; never rejects. */
  verdict: Promise<WaitEnd>;
}

/** A wait taken up again after a restart. */
export interface RestoredWait {
  row: CallbackRow;
  verdict: Promise<WaitEnd>;
}

interface Entry extends CallbackRow {
  /** Still sending the first request; a verdict that arrives now is kept for later. */
  requesting: boolean;
  early?: Outcome;
  timeoutMs: number;
  timer?: NodeJS.Timeout;
  waiting: WaitingHook;
  end: (e: WaitEnd) => void;
}

export type Receipt = "accepted" | "unknown" | "too-many-waits";

/**
 * What to do with a press this relay does not wait for (another relay fired it, or this one before
 * a restart): conclude it once it is decided here, and tell its bttn it waits longer.
 */
export interface OthersPresses {
  decided(row: CallbackRow, outcome: Outcome): void;
  waiting(row: CallbackRow): WaitingHook;
  /** The callback timeout of its action (a Wait gives the press that long again). */
  timeoutFor(row: CallbackRow): Promise<number>;
}

/** A waiting press whose relay is gone is concluded this long after its deadline by another relay. */
export const ORPHAN_GRACE_MS = 2_000;
/** How often each relay looks for such presses. */
export const SWEEP_MS = 1_000;

export class CallbackManager {
  private entries = new Map<string, Entry>();
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;
  private others: OthersPresses = { decided: () => undefined, waiting: () => () => undefined, timeoutFor: async (row) => Math.max(0, row.deadline - Date.now()) };

  constructor(
    private readonly store: CallbackRepo,
    private readonly publicUrl: () => string,
    private readonly log: Logger,
  ) {}

  /** The press path says how it concludes presses decided here that no wait of this relay awaits. */
  handOthersTo(others: OthersPresses): void {
    this.others = others;
  }

  get size(): number {
    return this.entries.size;
  }

  /** How long the press of `eventId` still waits, if this relay waits on its callback. */
  remainingFor(eventId: number): number | undefined {
    for (const e of this.entries.values()) if (e.eventId === eventId && !e.requesting) return Math.max(0, e.deadline - Date.now());
    return undefined;
  }

  /** How long the press of `eventId` still waits, wherever in the group it was fired. */
  async remainingAnywhere(eventId: number): Promise<number | undefined> {
    const here = this.remainingFor(eventId);
    if (here !== undefined) return here;
    const row = await this.store.findByEvent(eventId);
    return row && Math.max(0, row.deadline - Date.now());
  }

  /** A new callback for a press, committed before its URL is handed out. */
  async open(eventId: number, bttn: string, ident: { boot: string; seq: number }, timeoutMs: number, waiting: WaitingHook): Promise<AsyncWait> {
    const token = randomBytes(24).toString("base64url"); // 192 bits
    const tokenHash = hashToken(token);
    const row: CallbackRow = { tokenHash, eventId, bttn, boot: ident.boot, seq: ident.seq, deadline: Date.now() + timeoutMs, waits: 0 };
    await this.store.insert(row);
    const e = this.enter(row, true, timeoutMs, waiting);
    return {
      url: this.publicUrl().replace(/\/+$/, "") + "/callback/" + token,
      firstRequestDone: (succeeded) => this.firstRequestDone(e.entry, succeeded),
      verdict: e.verdict,
    };
  }

  private enter(row: CallbackRow, requesting: boolean, timeoutMs: number, waiting: WaitingHook): { entry: Entry; verdict: Promise<WaitEnd> } {
    let end!: (e: WaitEnd) => void;
    const verdict = new Promise<WaitEnd>((res) => (end = res));
    const entry: Entry = { ...row, requesting, timeoutMs, waiting, end };
    this.entries.set(row.tokenHash, entry);
    return { entry, verdict };
  }

  private firstRequestDone(e: Entry, succeeded: boolean): void {
    if (this.entries.get(e.tokenHash) !== e) return;
    e.requesting = false;
    if (!succeeded) {
      // Nobody awaits it: the request's own failure concludes the press; the row goes.
      this.drop(e, "closed");
      void this.store.claim(e.tokenHash).catch(() => undefined);
      return;
    }
    if (e.early) return void this.decide(e, e.early);
    this.arm(e);
    e.waiting(e.deadline - Date.now());
  }

  /** A verdict from the server (through the callback URL). */
  async receive(token: string, verdict: Verdict): Promise<Receipt> {
    const tokenHash = hashToken(token);
    const e = this.entries.get(tokenHash);
    if (!e) return this.receiveForOther(tokenHash, verdict);
    if (e.early) return "unknown";
    if (verdict === "wait") {
      if (e.waits >= MAX_WAITS) return "too-many-waits";
      e.waits++;
      e.deadline = Date.now() + e.timeoutMs;
      await this.store.extend(e.tokenHash, e.deadline, e.waits);
      if (!e.requesting) {
        this.arm(e);
        e.waiting(e.timeoutMs);
      }
      return "accepted";
    }
    // The server may answer on the callback before its answer to our request arrived.
    if (e.requesting) {
      e.early = verdict;
      return "accepted";
    }
    return (await this.decide(e, verdict)) ? "accepted" : "unknown";
  }

  /** A callback for a press another relay fired (or this one, before a restart that lost its wait). */
  private async receiveForOther(tokenHash: string, verdict: Verdict): Promise<Receipt> {
    if (verdict === "wait") {
      const row = await this.store.find(tokenHash);
      if (!row) return "unknown";
      if (row.waits >= MAX_WAITS) return "too-many-waits";
      const timeoutMs = await this.others.timeoutFor(row);
      await this.store.extend(tokenHash, Date.now() + timeoutMs, row.waits + 1);
      this.others.waiting(row)(timeoutMs);
      return "accepted";
    }
    const row = await this.store.claim(tokenHash);
    if (!row) return "unknown";
    this.others.decided(row, verdict);
    return "accepted";
  }

  /**
   * After a restart: wait again for every press whose first request had succeeded; `waitingFor`
   * gives the hook of each (a Wait from the server is told to its bttn again). A row whose press
   * ended otherwise (closed as interrupted) goes; a press still running is another relay's.
   */
  async restore(stateOf: (eventId: number) => Promise<string | undefined>, timeoutFor: (row: CallbackRow) => number, waitingFor: (row: CallbackRow) => WaitingHook): Promise<RestoredWait[]> {
    const restored: RestoredWait[] = [];
    for (const row of await this.store.all()) {
      const state = await stateOf(row.eventId);
      if (state !== "waiting") {
        if (state !== "running") await this.store.claim(row.tokenHash);
        continue;
      }
      if (this.entries.has(row.tokenHash)) continue;
      const { entry, verdict } = this.enter(row, false, timeoutFor(row), waitingFor(row));
      this.arm(entry);
      restored.push({ row, verdict });
    }
    return restored;
  }

  /**
   * Every SWEEP_MS: presses whose deadline passed more than ORPHAN_GRACE_MS ago and that nobody
   * decided (their relay is gone) are taken and concluded here, as timed out. Once per press
   * across the group: the store gives each row to one relay.
   */
  startSweeping(): void {
    let busy = false;
    this.sweeper = setInterval(() => {
      if (busy || this.closed) return;
      busy = true;
      this.sweep()
        .catch((err: unknown) => this.log.warn("could not look for async callbacks past their deadline; trying again", { error: err as Error }))
        .finally(() => (busy = false));
    }, SWEEP_MS);
    this.sweeper.unref();
  }

  private async sweep(): Promise<void> {
    for (const row of await this.store.claimExpired(Date.now() - ORPHAN_GRACE_MS)) {
      const e = this.entries.get(row.tokenHash);
      this.log.info("async callback did not come in time", { bttn: row.bttn, event: row.eventId, waits: row.waits });
      if (e) this.drop(e, "timeout");
      else this.others.decided(row, "timeout");
    }
  }

  private arm(e: Entry): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = setTimeout(() => void this.expire(e), Math.max(0, e.deadline - Date.now()));
  }

  /** This relay's deadline for a wait: another relay may have moved it (a Wait it took) or decided the press. */
  private async expire(e: Entry): Promise<void> {
    if (this.entries.get(e.tokenHash) !== e) return;
    try {
      const row = await this.store.find(e.tokenHash);
      if (this.entries.get(e.tokenHash) !== e) return;
      if (!row) return this.drop(e, "closed"); // decided by another relay
      if (row.deadline > Date.now()) {
        e.deadline = row.deadline;
        e.waits = row.waits;
        return this.arm(e);
      }
    } catch (err) {
      // The store is away: try again shortly (the sweep of any relay decides it otherwise).
      this.log.warn("could not check an async callback's deadline; trying again", { bttn: e.bttn, event: e.eventId, error: err as Error });
      e.timer = setTimeout(() => void this.expire(e), SWEEP_MS);
      return;
    }
    this.log.info("async callback did not come in time", { bttn: e.bttn, event: e.eventId, waits: e.waits });
    await this.decide(e, "timeout");
  }

  /**
   * Decides a press this relay waits for: its row is taken from the store, and whoever awaits the
   * verdict learns it. False when another relay took it first (this relay lets go).
   */
  private async decide(e: Entry, end: Outcome): Promise<boolean> {
    let row: CallbackRow | undefined;
    try {
      row = await this.store.claim(e.tokenHash);
    } catch (err) {
      // Not taken: another relay, or this one once the store is back, decides it at its deadline.
      this.log.warn("could not record an async callback's verdict; the press is decided at its deadline", { bttn: e.bttn, event: e.eventId, error: err as Error });
      if (!e.timer && !e.requesting) this.arm(e);
      return false;
    }
    if (this.entries.get(e.tokenHash) !== e) return false;
    this.drop(e, row ? end : "closed");
    return !!row;
  }

  /** This relay stops waiting: the wait ends with `end`. */
  private drop(e: Entry, end: WaitEnd): void {
    if (e.timer) clearTimeout(e.timer);
    this.entries.delete(e.tokenHash);
    e.end(end);
  }

  /** Stops the timers; the rows stay, so the next start (or another relay) waits on. Each wait still open ends `closed`. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const e of this.entries.values()) {
      if (e.timer) clearTimeout(e.timer);
      e.end("closed");
    }
    this.entries.clear();
  }
}
