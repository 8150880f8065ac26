// What either engine says when the database does not take a write that someone waits for.

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
