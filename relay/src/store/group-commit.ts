// Group commit. One SQLite commit costs ~40 µs here (each dirty page is a write syscall into the
// WAL), a statement inside a transaction ~3 µs; at thousands of presses per second that is most of
// a core. So writes share transactions:
// - `call` (someone waits: accepting a press must be durable before its action fires) commits at
//   the next turn of the event loop, with everything queued by then;
// - `write` (nobody waits: a press's outcome, its run record) waits up to LAZY_MS for company.
// A crash loses at most the lazy writes of the last LAZY_MS: an outcome not recorded, never an
// action fired twice (the press itself was committed before it fired).
import type { Db } from "./db";

interface Job {
  run: () => unknown;
  done?: (value: unknown) => void;
  fail?: (err: unknown) => void;
  value?: unknown;
}

/** How long a write nobody waits for may wait for others to share its commit. */
export const LAZY_MS = 20;
/**
 * Under load, commits someone waits for are at least this far apart, so a burst of presses shares
 * one commit; when the relay is idle a commit happens at the next turn of the event loop.
 */
export const MIN_COMMIT_GAP_MS = 2;

export class GroupCommit {
  private jobs: Job[] = [];
  private scheduled = false;
  private lazyTimer: NodeJS.Timeout | undefined;
  private lastCommit = 0;
  private readonly tx;
  /** Transactions committed and jobs in them, for the curious (bench, healthz). */
  readonly stats = { commits: 0, jobs: 0 };

  constructor(db: Db) {
    this.tx = db.transaction((jobs: Job[]) => {
      for (const j of jobs) j.value = j.run();
    });
  }

  /** Queues a write whose result nobody waits for. */
  write(run: () => unknown): void {
    this.jobs.push({ run });
    if (!this.scheduled && !this.lazyTimer) this.lazyTimer = setTimeout(this.flush, LAZY_MS);
  }

  /** Queues a write and resolves with its result once it is committed. */
  call<T>(run: () => T): Promise<T> {
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

  /** Commits what is queued now (also called at shutdown, before the database closes). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.lazyTimer) {
      clearTimeout(this.lazyTimer);
      this.lazyTimer = undefined;
    }
    if (!this.jobs.length) return;
    this.lastCommit = performance.now();
    const jobs = this.jobs;
    this.jobs = [];
    try {
      this.tx(jobs);
    } catch (err) {
      for (const j of jobs) j.fail?.(err);
      if (!jobs.some((j) => j.fail)) throw err;
      return;
    }
    this.stats.commits++;
    this.stats.jobs += jobs.length;
    for (const j of jobs) j.done?.(j.value);
  };
}
