// What either engine says when the database does not take a write that someone waits for, and how
// it keeps and tells a spell of trouble.
import type { Logger } from "../log";

/** The database could not commit a write someone waited for. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super("the database did not take the write: " + describeError(cause), { cause });
    this.name = "StoreUnavailableError";
  }
}

export interface StoreTrouble {
  /** When the first failure of this spell happened (ms since the epoch). */
  since: number;
  error: string;
  /** Failed attempts in this spell. */
  attempts: number;
}

/** An error in words, with its code when it has one (SQLITE_BUSY, ECONNREFUSED, 57P01). */
export function describeError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const msg = typeof e?.message === "string" ? e.message : String(err);
  return typeof e?.code === "string" ? e.code + ": " + msg : msg;
}

/** While degraded, a reminder in the log this often. */
const REMIND_MS = 30_000;

/**
 * A spell of trouble with the database, as either engine's batched writes keep and tell it: the
 * first failure is logged as an error, then a reminder every REMIND_MS, and the end once a commit
 * works again.
 */
export class TroubleSpell {
  private current: StoreTrouble | undefined;
  private lastReminder = 0;

  constructor(private readonly log?: Logger) {}

  /** What is wrong now, if anything. */
  get now(): StoreTrouble | undefined {
    return this.current && { ...this.current };
  }

  /** A failed attempt, `writes` waiting; true when it starts a spell. */
  failed(error: string, writes: number): boolean {
    if (!this.current) {
      this.current = { since: Date.now(), error, attempts: 1 };
      this.lastReminder = Date.now();
      this.log?.error("the database refused a write: presses fail with `internal` until it takes writes again; other writes are kept and retried", { error, writes });
      return true;
    }
    this.current.attempts++;
    this.current.error = error;
    if (Date.now() - this.lastReminder >= REMIND_MS) {
      this.lastReminder = Date.now();
      this.log?.warn("the database still refuses writes", { error, sinceS: Math.round((Date.now() - this.current.since) / 1000), attempts: this.current.attempts, writes });
    }
    return false;
  }

  /** A commit worked; true when it ends a spell. */
  recovered(droppedWrites: number): boolean {
    if (!this.current) return false;
    this.log?.warn("the database takes writes again", { afterMs: Date.now() - this.current.since, attempts: this.current.attempts, droppedWrites });
    this.current = undefined;
    return true;
  }

  /** Forgets the spell without a word (one last try at shutdown). */
  forget(): void {
    this.current = undefined;
  }
}
