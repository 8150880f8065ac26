// The writes nobody waits for (a press's outcome, its run record, a device's status, a callback's
// new deadline), in one ordered queue. The PostgreSQL twin of store/sqlite/group-commit.ts:
// - a write waits up to LAZY_MS for company, then a batch of them shares one transaction (one
//   commit instead of one per statement);
// - one batch at a time, in the order they were queued: a press's `finish` never lands before its
//   `markWaiting`;
// - while the database is away, writes are kept (in order, at most MAX_PENDING_WRITES: beyond, the
//   oldest are dropped and counted) and retried with backoff; `trouble` says what is wrong;
// - a statement failing on its own (not the database's trouble) is undone alone: the batch is run
//   again with a savepoint per statement, and that one is logged and dropped.
// A lost write costs a line of history, never a second firing: the press itself was committed
// (events.accept) before its action fired.
import type pg from "pg";
import type { Logger } from "../../log";
import { describeError, StoreUnavailableError, type StoreTrouble, TroubleSpell } from "../trouble";
import { healthOf, type StoreHealth } from "../health";
import { withClient } from "./pool";
import { isPgTrouble } from "./trouble";

export interface Statement {
  /** A statement every press runs has a name: each connection parses and plans it once. */
  name?: string;
  text: string;
  values: unknown[];
  /**
   * Names the rows this statement writes when other relays' batches write them too, as
   * "<table>:<bttn>" (a device's status row, a bttn's counters). Such statements run last in their
   * batch, in the order of this key, so that two relays' batches take those row locks in one order
   * and cannot deadlock each other (a deadlock costs a second: PostgreSQL's deadlock_timeout).
   */
  shared?: string;
}

interface Job {
  /** undefined: a marker that resolves once everything queued before it is committed. */
  stmt?: Statement;
  done?: () => void;
  fail?: (err: unknown) => void;
  /** This job's own statement failed (its savepoint was undone). */
  error?: unknown;
  /** Called once the write is committed, or dropped (a fault of its own, the cap, shutdown). */
  settled?: () => void;
}

export const LAZY_MS = 10;
/** Statements in one transaction at most (each is a round trip on the batch's connection). */
export const MAX_BATCH = 500;
export const RETRY_MIN_MS = 100;
/**
 * Retries while the database is away stay this close: presses are refused until a retry finds it
 * back, so a quarter of a second is what a restart costs beyond itself. A probe is one connection
 * attempt (refused at once by a host whose server is down; a silent one is bounded by the pool's
 * connect timeout, and retries never overlap).
 */
export const RETRY_MAX_MS = 250;
export const MAX_PENDING_WRITES = 10_000;
/** A batch that lost a deadlock or a serialization conflict to another relay's is run again at once, this many times. */
export const CONFLICT_RETRIES = 3;

/** Another transaction won (a deadlock, a serialization conflict): running it again will likely work. */
const isConflict = (err: unknown) => ["40P01", "40001"].includes((err as { code?: unknown })?.code as string);

/** Shared-row statements last, in key order (a stable sort: one row's writes keep their order). */
function lockOrder(batch: Job[]): Job[] {
  if (!batch.some((j) => j.stmt?.shared !== undefined)) return batch;
  const shared = batch.filter((j) => j.stmt?.shared !== undefined).sort((a, b) => (a.stmt!.shared! < b.stmt!.shared! ? -1 : a.stmt!.shared! > b.stmt!.shared! ? 1 : 0));
  return batch.filter((j) => j.stmt?.shared === undefined).concat(shared);
}

export class WriteQueue {
  private jobs: Job[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private retryMs = RETRY_MIN_MS;
  private readonly spell: TroubleSpell;
  private closed = false;
  readonly stats = { commits: 0, jobs: 0, failedCommits: 0, droppedWrites: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly log?: Logger,
  ) {
    this.spell = new TroubleSpell(log);
  }

  get trouble(): StoreTrouble | undefined {
    return this.spell.now;
  }

  get pendingWrites(): number {
    return this.jobs.filter((j) => j.stmt).length;
  }

  /** Queues a write; it is committed within LAZY_MS, or retried until the database takes it. */
  write(stmt: Statement, settled?: () => void): void {
    if (this.closed) {
      settled?.();
      return this.log?.error("a write after the store closed was dropped");
    }
    this.jobs.push({ stmt, settled });
    if (this.trouble) this.cap();
    else this.schedule(LAZY_MS);
  }

  /**
   * Resolves once every write queued so far is committed; rejects at once while the database is
   * in trouble (StoreUnavailableError), or if the commit fails.
   */
  flush(): Promise<void> {
    if (this.trouble || this.closed) return Promise.reject(new StoreUnavailableError(this.trouble?.error ?? "the store is closed"));
    if (!this.jobs.length && !this.running) return Promise.resolve();
    return new Promise((done, fail) => {
      this.jobs.push({ done, fail });
      this.schedule(0);
    });
  }

  /** Reads call it to see this relay's own lazy writes; a read in trouble finds out by itself. */
  async settled(): Promise<void> {
    if (this.jobs.length || this.running) await this.flush().catch(() => undefined);
  }

  /**
   * Another part of the store (events.accept) met the database's trouble: writes stop being tried
   * until the retry timer finds it back, and presses are refused without waiting for it.
   */
  report(err: unknown): void {
    if (!this.trouble) this.troubled([], err);
  }

  health(): StoreHealth {
    return healthOf(this);
  }


  /** At shutdown: what is queued gets one last try, then says what could not be written. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.jobs.length) {
      this.spell.forget(); // one more try, however degraded
      await this.drain();
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const left = this.pendingWrites;
    for (const j of this.jobs.splice(0)) {
      j.fail?.(new StoreUnavailableError("the store is closed"));
      j.settled?.();
    }
    if (left) this.log?.error("the database did not take the last writes before shutdown; they are lost", { writes: left, error: this.trouble?.error });
  }

  private schedule(ms: number): void {
    if (this.running) return; // the batch under way schedules the next when it ends
    if (this.timer) {
      if (ms > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(this.tick, ms);
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.jobs.length && !this.trouble && !this.closed) this.schedule(0);
    });
  };

  /** Commits batches until the queue is empty or the database fails. Never throws. */
  private async drain(): Promise<void> {
    while (this.jobs.length) {
      const batch = lockOrder(this.jobs.splice(0, MAX_BATCH));
      let failure = await this.runBatch(batch, false);
      for (let n = 0; n < CONFLICT_RETRIES && isConflict(failure); n++) {
        await new Promise((res) => setTimeout(res, Math.random() * 5));
        failure = await this.runBatch(batch, false);
      }
      if (failure === REPLAY) failure = await this.runBatch(batch, true);
      if (failure) return this.failed(batch, failure);
      this.stats.commits++;
      this.stats.jobs += batch.length;
      const retry: Job[] = [];
      for (const j of batch) {
        if (j.error === undefined) {
          j.done?.();
          j.settled?.();
        } else if (isPgTrouble(j.error)) retry.push(j);
        else {
          j.settled?.();
          this.log?.error("a background write failed and was dropped", { error: describeError(j.error) });
        }
      }
      if (retry.length) return this.troubled(retry, retry[0].error);
      this.recovered();
    }
  }

  /** One transaction for `jobs`; what made it fail, if anything (REPLAY: run it again isolated). */
  private async runBatch(jobs: Job[], isolated: boolean): Promise<unknown> {
    const writes = jobs.filter((j) => j.stmt);
    return withClient(this.pool, (client) => this.runOn(client, writes, isolated)).catch((err: unknown) => err);
  }

  /** `runBatch` on a connection; rejects with what made the whole batch fail. */
  private async runOn(client: pg.PoolClient, writes: Job[], isolated: boolean): Promise<unknown> {
    if (writes.length) await client.query("BEGIN");
    for (const j of writes) {
      j.error = undefined;
      try {
        if (isolated) await client.query("SAVEPOINT job");
        await client.query(j.stmt!);
        if (isolated) await client.query("RELEASE job");
      } catch (err) {
        if (isPgTrouble(err)) throw err;
        if (!isolated) {
          await client.query("ROLLBACK");
          return REPLAY;
        }
        j.error = err;
        await client.query("ROLLBACK TO job");
        await client.query("RELEASE job");
      }
    }
    if (writes.length) await client.query("COMMIT");
    // A probe (nothing to write, only markers): can a connection be had and used?
    else await client.query("SELECT 1");
    return undefined;
  }

  /** Nothing of `jobs` was committed. */
  private failed(jobs: Job[], failure: unknown): void {
    this.stats.failedCommits++;
    const retry: Job[] = [];
    for (const j of jobs) {
      if (j.fail) j.fail(new StoreUnavailableError(failure));
      else if (j.stmt) retry.push(j);
    }
    this.troubled(retry, failure);
  }

  /** Keeps `retry` (in order, ahead of newer writes) and tries again later. */
  private troubled(retry: Job[], err: unknown): void {
    // Markers queued meanwhile are told now: nobody waits through the trouble.
    const newer: Job[] = [];
    for (const j of this.jobs) {
      if (j.stmt) newer.push(j);
      else j.fail?.(new StoreUnavailableError(err));
    }
    this.jobs = retry.concat(newer);
    this.spell.failed(describeError(err), this.jobs.length);
    this.cap();
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(this.retry, this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private readonly retry = (): void => {
    this.timer = undefined;
    if (this.running) {
      // A batch is under way (it may end the trouble itself); look again later.
      this.timer = setTimeout(this.retry, this.retryMs);
      this.timer.unref();
      return;
    }
    // With nothing to write, a marker probes the database; its outcome ends or extends the trouble.
    if (!this.jobs.length) this.jobs.push({});
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.jobs.length && !this.trouble && !this.closed) this.schedule(0);
    });
  };

  private recovered(): void {
    this.retryMs = RETRY_MIN_MS;
    this.spell.recovered(this.stats.droppedWrites);
  }

  private cap(): void {
    const excess = this.jobs.length - MAX_PENDING_WRITES;
    if (excess <= 0) return;
    if (!this.stats.droppedWrites) this.log?.warn("too many writes wait for the database; the oldest are dropped", { limit: MAX_PENDING_WRITES });
    const dropped = this.jobs.splice(0, excess);
    for (const j of dropped) {
      j.fail?.(new StoreUnavailableError("dropped: too many writes waited"));
      j.settled?.();
    }
    this.stats.droppedWrites += dropped.filter((j) => j.stmt).length;
  }
}

const REPLAY = Symbol("replay");
