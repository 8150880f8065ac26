// Group commit. One SQLite commit costs ~40 µs here (each dirty page is a write syscall into the
// WAL), a statement inside a transaction ~3 µs; at thousands of presses per second that is most of
// a core. So writes share transactions:
// - `call` (someone waits: accepting a press must be durable before its action fires) commits at
//   the next turn of the event loop, with everything queued by then;
// - `write` (nobody waits: a press's outcome, its run record) waits up to LAZY_MS for company.
// A crash loses at most the lazy writes of the last LAZY_MS: an outcome not recorded, never an
// action fired twice (the press itself was committed before it fired).
//
// When the database fails (another process holds its write lock, an I/O error, a full disk):
// - a job whose statement fails is undone alone and the others still commit (the batch is undone
//   and run again with a savepoint per job);
// - a `call` whose write is not committed is rejected at once (a press then fails `internal`);
// - `write`s that could not be committed are kept, in order, and retried with backoff on a timer;
// - while it fails, `call`s are rejected without touching the database, the busy timeout is short,
//   and only the retry timer tries again: the event loop is never held in a long busy wait;
// - nothing is thrown from a timer; `trouble` says what is wrong (for /healthz) until a commit works.
import type { Logger } from "../../log";
import { describeError as describe, StoreTrouble, StoreUnavailableError, TroubleSpell } from "../trouble";
import type { Db } from "./db";

interface Job {
  /** Statements only (and in-memory state undone through onBatchEnd): it may run twice when its batch is replayed. */
  run: () => unknown;
  done?: (value: unknown) => void;
  fail?: (err: unknown) => void;
  value?: unknown;
  /** This job's own statement failed (its savepoint was undone). */
  error?: unknown;
}

/** How long a write nobody waits for may wait for others to share its commit. */
export const LAZY_MS = 20;
/**
 * Under load, commits someone waits for are at least this far apart, so a burst of presses shares
 * one commit; when the relay is idle a commit happens at the next turn of the event loop.
 */
export const MIN_COMMIT_GAP_MS = 2;
/**
 * How long the relay's connection waits for another connection's write lock. better-sqlite3 is
 * synchronous: this wait freezes the event loop, so it is short (a CLI command's write takes a few
 * ms); a longer lock makes the store degraded and the retry timer takes over.
 */
export const BUSY_TIMEOUT_MS = 100;
/** The same wait while degraded: retries only peek at the lock. */
export const DEGRADED_BUSY_TIMEOUT_MS = 10;
/** First retry after a failed commit; doubles up to RETRY_MAX_MS. */
export const RETRY_MIN_MS = 100;
export const RETRY_MAX_MS = 1000;
/** Writes kept for retry while the database fails; beyond this the oldest are dropped (and counted). */
export const MAX_PENDING_WRITES = 10_000;
/** runBatch's answer when a job failed in a batch without savepoints: run it again with them. */
const REPLAY = Symbol("replay");
/** The job of a retry with nothing to write: can the write lock be taken? */
const PROBE = (): undefined => undefined;

/** Errors of the database itself (lock, I/O, space, file), as opposed to one statement's own fault. */
export function isStoreTrouble(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL|NOMEM|CORRUPT|NOTADB|NOLFS|PERM)/.test(code);
}

export class GroupCommit {
  private jobs: Job[] = [];
  private scheduled = false;
  private lazyTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_MIN_MS;
  private lastCommit = 0;
  private readonly spell: TroubleSpell;
  private closed = false;
  private readonly endListeners: Array<(committed: boolean) => void> = [];
  private readonly commitListeners: Array<(ms: number, jobs: number) => void> = [];
  private readonly q;
  /** Transactions committed and jobs in them, failed attempts, writes dropped, for the curious (bench, healthz). */
  readonly stats = { commits: 0, jobs: 0, failedCommits: 0, droppedWrites: 0 };

  constructor(
    private readonly db: Db,
    private readonly log?: Logger,
  ) {
    this.spell = new TroubleSpell(log);
    db.pragma("busy_timeout = " + BUSY_TIMEOUT_MS);
    // IMMEDIATE: the write lock is taken (or refused) before any job runs.
    this.q = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      commit: db.prepare("COMMIT"),
      rollback: db.prepare("ROLLBACK"),
      savepoint: db.prepare("SAVEPOINT job"),
      release: db.prepare("RELEASE job"),
      undo: db.prepare("ROLLBACK TO job"),
    };
  }

  /** What is wrong with the database now, if anything. */
  get trouble(): StoreTrouble | undefined {
    return this.spell.now;
  }

  /** Writes waiting for their commit. */
  get pendingWrites(): number {
    return this.jobs.length;
  }

  /** `listener(committed)` after every transaction: work done inside it is final, or undone. */
  onBatchEnd(listener: (committed: boolean) => void): void {
    this.endListeners.push(listener);
  }

  /** `listener(ms, jobs)` after every commit that worked: how long the transaction took (metrics). */
  onCommitted(listener: (ms: number, jobs: number) => void): void {
    this.commitListeners.push(listener);
  }

  /** Queues a write whose result nobody waits for. */
  write(run: () => unknown): void {
    if (this.closed) return this.log?.error("a write after the store closed was dropped");
    this.jobs.push({ run });
    if (this.trouble) this.cap();
    else if (!this.scheduled && !this.lazyTimer) this.lazyTimer = setTimeout(this.flush, LAZY_MS);
  }

  /** Queues a write and resolves with its result once it is committed; rejects if it cannot be. */
  call<T>(run: () => T): Promise<T> {
    if (this.trouble || this.closed) return Promise.reject(new StoreUnavailableError(this.trouble?.error ?? "the store is closed"));
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ run, done: resolve as (v: unknown) => void, fail: reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.lazyTimer) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
    const wait = this.lastCommit + MIN_COMMIT_GAP_MS - performance.now();
    if (wait > 0) setTimeout(this.flush, wait);
    else setImmediate(this.flush);
  }

  /** Commits what is queued now (reads call it to see every write). While degraded, the retry timer does. */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.lazyTimer) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
    if (this.trouble || !this.jobs.length) return;
    this.attempt();
  };

  /** At shutdown: one last try (however degraded), then says what could not be written. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (!this.jobs.length) return;
    if (this.trouble) this.db.pragma("busy_timeout = " + BUSY_TIMEOUT_MS);
    this.attempt();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.jobs.length) this.log?.error("the database did not take the last writes before shutdown; they are lost", { writes: this.jobs.length, error: this.trouble?.error });
  }

  private readonly retry = (): void => {
    this.retryTimer = undefined;
    if (!this.jobs.length) this.jobs.push({ run: PROBE });
    this.attempt();
  };

  /** One transaction for every queued job. */
  private attempt(): void {
    this.lastCommit = performance.now();
    const jobs = this.jobs;
    this.jobs = [];
    // A savepoint per job costs ~3 µs; most batches fail nowhere, so they run without, and a batch
    // in which a job fails is undone and run again with one savepoint per job.
    let failure = this.runBatch(jobs, false);
    if (failure === REPLAY) failure = this.runBatch(jobs, true);
    if (failure) return this.failed(jobs, failure);
    const ms = performance.now() - this.lastCommit;
    this.stats.commits++;
    this.stats.jobs += jobs.length;
    this.ended(true);
    if (this.commitListeners.length) this.committed(ms, jobs.length);
    const retry: Job[] = [];
    for (const j of jobs) {
      if (j.error === undefined) j.done?.(j.value);
      else if (j.fail) j.fail(isStoreTrouble(j.error) ? new StoreUnavailableError(j.error) : j.error);
      else if (isStoreTrouble(j.error)) retry.push(j);
      else this.log?.error("a background write failed and was dropped", { error: describe(j.error) });
    }
    if (retry.length) this.troubled(retry, retry[0].error);
    else this.recovered();
  }

  /**
   * Runs `jobs` in one transaction and commits it; returns what made the whole batch fail, if
   * anything. `isolated`: each job in a savepoint, a failing job is undone alone (its `error` set);
   * otherwise the first failing job undoes the batch and REPLAY is returned.
   */
  private runBatch(jobs: Job[], isolated: boolean): unknown {
    try {
      this.q.begin.run();
    } catch (err) {
      return err;
    }
    for (const j of jobs) {
      j.error = undefined;
      try {
        if (isolated) this.q.savepoint.run();
        j.value = j.run();
        if (isolated) this.q.release.run();
      } catch (err) {
        // Some errors (a full disk, I/O) make SQLite roll back the whole transaction itself.
        if (!this.db.inTransaction) return err;
        if (!isolated) {
          this.undoBatch();
          return REPLAY;
        }
        j.error = err;
        try {
          this.q.undo.run();
          this.q.release.run();
        } catch (e) {
          return e;
        }
      }
    }
    try {
      this.q.commit.run();
    } catch (err) {
      return err;
    }
    return undefined;
  }

  private undoBatch(): void {
    if (this.db.inTransaction) {
      try {
        this.q.rollback.run();
      } catch {
        // The transaction is gone either way; the next attempt starts a new one.
      }
    }
    this.ended(false);
  }

  /** Nothing of `jobs` was committed. */
  private failed(jobs: Job[], failure: unknown): void {
    this.undoBatch();
    this.stats.failedCommits++;
    const retry: Job[] = [];
    for (const j of jobs) {
      if (j.fail) j.fail(new StoreUnavailableError(failure));
      else if (j.error === undefined || isStoreTrouble(j.error)) retry.push(j);
      else this.log?.error("a background write failed and was dropped", { error: describe(j.error) });
    }
    this.troubled(retry, failure);
  }

  private ended(committed: boolean): void {
    for (const l of this.endListeners) {
      try {
        l(committed);
      } catch (err) {
        this.log?.error("a commit listener failed", { error: describe(err) });
      }
    }
  }

  private committed(ms: number, jobs: number): void {
    for (const l of this.commitListeners) {
      try {
        l(ms, jobs);
      } catch (err) {
        this.log?.error("a commit listener failed", { error: describe(err) });
      }
    }
  }

  /** Keeps `retry` (in order, ahead of newer writes) and tries again later. */
  private troubled(retry: Job[], err: unknown): void {
    this.jobs = retry.filter((j) => j.run !== PROBE).concat(this.jobs);
    if (this.spell.failed(describe(err), this.jobs.length)) this.db.pragma("busy_timeout = " + DEGRADED_BUSY_TIMEOUT_MS);
    this.cap();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(this.retry, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private recovered(): void {
    this.retryMs = RETRY_MIN_MS;
    if (!this.spell.recovered(this.stats.droppedWrites)) return;
    this.db.pragma("busy_timeout = " + BUSY_TIMEOUT_MS);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.jobs.length) this.schedule();
  }

  /** Drops the oldest writes beyond MAX_PENDING_WRITES (memory is bounded while the database fails). */
  private cap(): void {
    const excess = this.jobs.length - MAX_PENDING_WRITES;
    if (excess <= 0) return;
    if (!this.stats.droppedWrites) this.log?.warn("too many writes wait for the database; the oldest are dropped", { limit: MAX_PENDING_WRITES });
    this.jobs.splice(0, excess);
    this.stats.droppedWrites += excess;
  }
}
