// Asynchronous actions: a callback URL per press, handed to the user's server through
// <CALLBACKURL>. The first request must succeed; then the press waits (the bttn shows pending)
// until the server calls back with its verdict, asks to Wait longer, or the deadline passes.
// Each token is single use: the first verdict wins, a second one finds nothing (404).
//
// A wait is a value the press path awaits (`AsyncWait.verdict`), with one hook (`waiting`) that
// tells the bttn how much longer it waits; the manager knows nothing of MQTT or results.
import { randomBytes } from "node:crypto";
import type { Logger } from "../log";
import { CallbackRow, CallbackStore, hashToken } from "./store";
import type { Verdict } from "./verdict";

/** How many times a server may say Wait for one press. */
export const MAX_WAITS = 10;

/** How a wait ended: the server's verdict, or its deadline. */
export type Outcome = Exclude<Verdict, "wait"> | "timeout";

/**
 * What a wait's promise resolves to: its outcome, or `closed` when the relay stops while the press
 * still waits (its row stays in the store and the next start waits on, see `restore`).
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

export class CallbackManager {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly store: CallbackStore,
    private readonly publicUrl: () => string,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** How long the press of `eventId` still waits, if it is waiting on a callback. */
  remainingFor(eventId: number): number | undefined {
    for (const e of this.entries.values()) if (e.eventId === eventId && !e.requesting) return Math.max(0, e.deadline - Date.now());
    return undefined;
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
    if (!succeeded) return this.decide(e, "closed"); // nobody awaits it: the request's own failure concludes the press
    if (e.early) return this.decide(e, e.early);
    this.arm(e);
    e.waiting(e.deadline - Date.now());
  }

  /** A verdict from the server (through the callback URL). */
  receive(token: string, verdict: Verdict): Receipt {
    const e = this.entries.get(hashToken(token));
    if (!e || e.early) return "unknown";
    if (verdict === "wait") {
      if (e.waits >= MAX_WAITS) return "too-many-waits";
      e.waits++;
      e.deadline = Date.now() + e.timeoutMs;
      this.store.extend(e.tokenHash, e.deadline, e.waits);
      if (!e.requesting) {
        this.arm(e);
        e.waiting(e.timeoutMs);
      }
      return "accepted";
    }
    // The server may answer on the callback before its answer to our request arrived.
    if (e.requesting) e.early = verdict;
    else this.decide(e, verdict);
    return "accepted";
  }

  /**
   * After a restart: wait again for every press whose first request had succeeded; `waitingFor`
   * gives the hook of each (a Wait from the server is told to its bttn again).
   */
  restore(isWaiting: (eventId: number) => boolean, timeoutFor: (row: CallbackRow) => number, waitingFor: (row: CallbackRow) => WaitingHook): RestoredWait[] {
    const restored: RestoredWait[] = [];
    for (const row of this.store.all()) {
      if (!isWaiting(row.eventId)) {
        this.store.remove(row.tokenHash); // its press was closed otherwise (interrupted request)
        continue;
      }
      const { entry, verdict } = this.enter(row, false, timeoutFor(row), waitingFor(row));
      this.arm(entry);
      restored.push({ row, verdict });
    }
    return restored;
  }

  private arm(e: Entry): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = setTimeout(() => {
      if (this.entries.get(e.tokenHash) !== e) return;
      this.log.info("async callback did not come in time", { bttn: e.bttn, event: e.eventId, waits: e.waits });
      this.decide(e, "timeout");
    }, Math.max(0, e.deadline - Date.now()));
  }

  /** The wait is over: its row goes, and whoever awaits the verdict learns it. */
  private decide(e: Entry, end: WaitEnd): void {
    if (e.timer) clearTimeout(e.timer);
    this.entries.delete(e.tokenHash);
    this.store.remove(e.tokenHash);
    e.end(end);
  }

  /** Stops the timers; the rows stay, so the next start waits on. Each wait still open ends `closed`. */
  close(): void {
    for (const e of this.entries.values()) {
      if (e.timer) clearTimeout(e.timer);
      e.end("closed");
    }
    this.entries.clear();
  }
}
