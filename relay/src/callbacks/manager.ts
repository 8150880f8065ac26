// Asynchronous actions: a callback URL per press, handed to the user's server through
// <CALLBACKURL>. The first request must succeed; then the press waits (the bttn shows pending)
// until the server calls back with its verdict, asks to Wait longer, or the deadline passes.
// Each token is single use: the first verdict wins, a second one finds nothing (404).
import { randomBytes } from "node:crypto";
import type { Logger } from "../log";
import { CallbackRow, CallbackStore, hashToken } from "./store";
import type { Verdict } from "./verdict";

/** How many times a server may say Wait for one press. */
export const MAX_WAITS = 10;

export type Outcome = Verdict | "timeout";

interface Entry extends CallbackRow {
  /** Still sending the first request; a verdict that arrives now is kept for later. */
  requesting: boolean;
  early?: Verdict;
  timeoutMs: number;
  timer?: NodeJS.Timeout;
}

export interface CallbackEvents {
  /** The press is decided: conclude it. */
  decided(row: CallbackRow, outcome: Outcome): void;
  /** The press keeps waiting `remainingMs` more: tell the bttn. */
  waiting(row: CallbackRow, remainingMs: number): void;
}

export type Receipt = "accepted" | "unknown" | "too-many-waits";

export class CallbackManager {
  private entries = new Map<string, Entry>();

  constructor(
    private readonly store: CallbackStore,
    private readonly events: CallbackEvents,
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
  async issue(eventId: number, bttn: string, ident: { boot: string; seq: number }, timeoutMs: number): Promise<{ url: string; tokenHash: string }> {
    const token = randomBytes(24).toString("base64url"); // 192 bits
    const tokenHash = hashToken(token);
    const row: CallbackRow = { tokenHash, eventId, bttn, boot: ident.boot, seq: ident.seq, deadline: Date.now() + timeoutMs, waits: 0 };
    await this.store.insert(row);
    this.entries.set(tokenHash, { ...row, requesting: true, timeoutMs });
    return { url: this.publicUrl().replace(/\/+$/, "") + "/callback/" + token, tokenHash };
  }

  /** The first request is done: on failure the callback is void; on success the wait begins. */
  firstRequestDone(tokenHash: string, succeeded: boolean): void {
    const e = this.entries.get(tokenHash);
    if (!e) return;
    e.requesting = false;
    if (!succeeded) {
      this.drop(e);
      return;
    }
    if (e.early) {
      const v = e.early;
      this.drop(e);
      this.events.decided(e, v === "ok" ? "ok" : "negative");
      return;
    }
    this.arm(e);
    this.events.waiting(e, e.deadline - Date.now());
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
        this.events.waiting(e, e.timeoutMs);
      }
      return "accepted";
    }
    if (e.requesting) {
      // The server answered on the callback before its answer to our request arrived.
      e.early = verdict;
      return "accepted";
    }
    this.drop(e);
    this.events.decided(e, verdict);
    return "accepted";
  }

  /** After a restart: wait again for every press whose first request had succeeded. */
  restore(isWaiting: (eventId: number) => boolean, timeoutFor: (row: CallbackRow) => number): number {
    let n = 0;
    for (const row of this.store.all()) {
      if (!isWaiting(row.eventId)) {
        this.store.remove(row.tokenHash); // its press was closed otherwise (interrupted request)
        continue;
      }
      const e: Entry = { ...row, requesting: false, timeoutMs: timeoutFor(row) };
      this.entries.set(row.tokenHash, e);
      this.arm(e);
      n++;
    }
    return n;
  }

  private arm(e: Entry): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = setTimeout(() => {
      if (this.entries.get(e.tokenHash) !== e) return;
      this.drop(e);
      this.log.info("async callback did not come in time", { bttn: e.bttn, event: e.eventId, waits: e.waits });
      this.events.decided(e, "timeout");
    }, Math.max(0, e.deadline - Date.now()));
  }

  private drop(e: Entry): void {
    if (e.timer) clearTimeout(e.timer);
    this.entries.delete(e.tokenHash);
    this.store.remove(e.tokenHash);
  }

  /** Stops the timers; the rows stay, so the next start waits on. */
  close(): void {
    for (const e of this.entries.values()) if (e.timer) clearTimeout(e.timer);
    this.entries.clear();
  }
}
