// Group commit: writes queued during one turn of the event loop are committed together in one
// transaction at the next turn. One SQLite commit costs ~40 µs here, a statement inside a
// transaction ~3 µs; at thousands of presses per second that is most of a core saved, for a delay
// of one loop turn. A job's promise settles only after its transaction committed, so nothing acts
// on a write (such as firing an action for a newly accepted press) before it is durable.
import type { Db } from "./db";

interface Job {
  run: () => unknown;
  done?: (value: unknown) => void;
  fail?: (err: unknown) => void;
  value?: unknown;
}

export class GroupCommit {
  private jobs: Job[] = [];
  private scheduled = false;
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
    this.schedule();
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
    setImmediate(this.flush);
  }

  /** Commits what is queued now (also called at shutdown, before the database closes). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (!this.jobs.length) return;
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
