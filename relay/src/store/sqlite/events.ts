// The feed in SQLite: every accepted event, its counters, its outcome and the HTTP runs it caused.
// The UNIQUE (bttn, boot, seq) constraint is what makes a redelivered press fire its action only once.
import { ACTION_EVENT_TYPES, Reason } from "@bttn/shared";
import type { Statement } from "better-sqlite3";
import { Accepted, Counters, emptyCounters, EventState, FeedEntry, FeedEvent, FeedQuery, RunRecord } from "../events";
import { feedEntryFromRow, FeedRow, RunRow } from "../rows";
import type { EventRepo, EventSummary } from "../store";
import type { Db } from "./db";
import type { GroupCommit } from "./group-commit";

export class SqliteEvents implements EventRepo {
  /** Committed counts, per bttn. */
  private counters = new Map<string, Counters>();
  /** Counts of the transaction under way; they replace `counters` if it commits. */
  private readonly staged = new Map<string, Counters>();
  private readonly q;
  private readonly feedQueries: Record<FeedShape, Statement<[FeedParams], SqliteFeedRow>>;
  private readonly acceptTx;

  constructor(
    db: Db,
    private readonly commit: GroupCommit,
  ) {
    this.q = {
      insert: db.prepare(
        "INSERT INTO events (bttn, boot, seq, type, age, bat, rssi, received_at, pressed_at, counter, state, reason, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (bttn, boot, seq) DO NOTHING",
      ),
      existing: db.prepare<[string, string, number], { id: number; state: EventState; reason: Reason | null; code: number | null }>(
        "SELECT id, state, reason, code FROM events WHERE bttn = ? AND boot = ? AND seq = ?",
      ),
      bump: db.prepare("INSERT INTO counters (bttn, type, count) VALUES (?, ?, 1) ON CONFLICT (bttn, type) DO UPDATE SET count = count + 1"),
      // A counted press bumps its type and the total: one statement for both.
      bumpWithTotal: db.prepare(
        "INSERT INTO counters (bttn, type, count) VALUES (?, ?, 1), (?, 'total', 1) ON CONFLICT (bttn, type) DO UPDATE SET count = count + 1",
      ),
      loadCounters: db.prepare<[string], { type: string; count: number }>("SELECT type, count FROM counters WHERE bttn = ?"),
      finish: db.prepare("UPDATE events SET state = ?, reason = ?, code = ?, finished_at = ? WHERE id = ? AND state IN ('running', 'waiting')"),
      wait: db.prepare("UPDATE events SET state = 'waiting' WHERE id = ? AND state = 'running'"),
      run: db.prepare(
        "INSERT INTO runs (event_id, bttn, method, url, status, duration_ms, reason, error, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      interrupted: db.prepare("UPDATE events SET state = 'fail', reason = 'internal', finished_at = ? WHERE state = 'running'"),
      one: db.prepare<[number], EventSummary>(
        "SELECT id, bttn, boot, seq, type, state, reason, code, received_at FROM events WHERE id = ?",
      ),
    };
    const feedQuery = (typed: boolean, after: boolean) => db.prepare<[FeedParams], SqliteFeedRow>(feedSql(typed, after));
    this.feedQueries = { allNewest: feedQuery(false, false), allAfter: feedQuery(false, true), typedNewest: feedQuery(true, false), typedAfter: feedQuery(true, true) };
    // `unrecorded`: the press was answered `fail internal` because its first insert failed; it is
    // stored as failed so that a redelivery gets that answer again instead of firing late.
    this.acceptTx = (bttn: string, ev: FeedEvent, receivedAt: number, unrecorded = false): Accepted => {
      // Counted in a copy until the transaction commits: the next event in the same transaction must
      // see this one, and nobody else may see a count that could still be rolled back.
      const c = this.staged.get(bttn) ?? { ...this.countersOf(bttn) };
      const counts = ev.type !== "heartbeat";
      const pressedAt = receivedAt - ev.age;
      const info = this.q.insert.run(
        bttn, ev.boot, ev.seq, ev.type, ev.age, ev.bat ?? null, ev.rssi ?? null, receivedAt, pressedAt, c.total + (counts ? 1 : 0),
        unrecorded ? "fail" : "running", unrecorded ? "internal" : null, unrecorded ? Date.now() : null,
      );
      if (info.changes === 0) {
        const row = this.q.existing.get(bttn, ev.boot, ev.seq)!;
        return { fresh: false, eventId: row.id, state: row.state, reason: row.reason, code: row.code };
      }
      if (counts) this.q.bumpWithTotal.run(bttn, ev.type, bttn);
      else this.q.bump.run(bttn, ev.type);
      (c as unknown as Record<string, number>)[ev.type]++;
      if (counts) c.total++;
      this.staged.set(bttn, c);
      return { fresh: true, eventId: Number(info.lastInsertRowid), counters: { ...c }, pressedAt };
    };
    commit.onBatchEnd((committed) => {
      if (committed) for (const [bttn, c] of this.staged) this.counters.set(bttn, c);
      this.staged.clear();
    });
  }

  private countersOf(bttn: string): Counters {
    let c = this.counters.get(bttn);
    if (!c) {
      c = emptyCounters();
      for (const r of this.q.loadCounters.all(bttn)) if (r.type in c) (c as unknown as Record<string, number>)[r.type] = r.count;
      this.counters.set(bttn, c);
    }
    return c;
  }

  /**
   * Records an event once. A fresh event is counted and starts in state 'running'; a repeat of a
   * known identity returns how the first one went, so the caller can answer without firing again.
   */
  accept(bttn: string, ev: FeedEvent, receivedAt: number): Promise<Accepted> {
    return this.commit.call(() => this.acceptTx(bttn, ev, receivedAt)).catch((err: unknown) => {
      // Not committed, so the caller answers `fail internal` and does not fire. Once the database
      // takes writes again the press is stored with that outcome (queued writes keep their order,
      // so this lands before any later redelivery is looked up).
      this.commit.write(() => this.acceptTx(bttn, ev, receivedAt, true));
      throw err;
    });
  }

  async getCounters(bttn: string): Promise<Counters> {
    return { ...this.countersOf(bttn) };
  }

  markWaiting(eventId: number): void {
    this.commit.write(() => this.q.wait.run(eventId));
  }

  finish(eventId: number, state: "ok" | "fail", reason: Reason | null, code: number | null): void {
    const at = Date.now();
    this.commit.write(() => this.q.finish.run(state, reason, code, at, eventId));
  }

  claimEnd(eventId: number, state: "ok" | "fail", reason: Reason | null, code: number | null): Promise<boolean> {
    const at = Date.now();
    return this.commit.call(() => this.q.finish.run(state, reason, code, at, eventId).changes > 0);
  }

  recordRun(r: RunRecord): void {
    this.commit.write(() => this.q.run.run(r.eventId, r.bttn, r.method, r.url, r.status ?? null, r.durationMs, r.reason ?? null, r.error ?? null, r.startedAt));
  }

  async get(eventId: number): Promise<EventSummary | undefined> {
    this.commit.flush(); // reads see every write made so far, lazy ones included
    return this.q.one.get(eventId);
  }

  /** Events left 'running' by a relay that died mid-action are closed as failed, never re-fired. */
  async closeInterrupted(): Promise<number> {
    return this.q.interrupted.run(Date.now()).changes;
  }

  /** One relay per SQLite file: no other relay's presses to close. */
  async claimOrphans(): Promise<EventSummary[]> {
    return [];
  }

  async feed(bttn: string, query: FeedQuery): Promise<FeedEntry[]> {
    this.commit.flush(); // reads see every write made so far, lazy ones included
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 1000);
    const rows = this.feedQueries[(query.type !== undefined ? "typed" : "all") + (query.after !== undefined ? "After" : "Newest") as FeedShape].all({
      bttn,
      limit,
      ...(query.type !== undefined && { type: query.type }),
      ...(query.after !== undefined && { after: query.after }),
    });
    return rows.map((r) => feedEntryFromRow(r, JSON.parse(r.runs) as RunRow[]));
  }
}

/** A feed row as SQLite gives it: its runs as JSON text (a JSON array of RunRow, oldest first). */
type SqliteFeedRow = Omit<FeedRow, "runs"> & { runs: string };

type FeedShape = "allNewest" | "allAfter" | "typedNewest" | "typedAfter";

interface FeedParams {
  bttn: string;
  type?: string;
  after?: number;
  limit: number;
}

/**
 * One statement per shape of feed query (all types or one, newest first or after an id), each
 * served in id order by the (bttn, type, id) index without a sort: one type is a range of the index,
 * all types the merge of the ranges of each type (a UNION ALL whose ORDER BY SQLite merges). Each
 * event's runs are gathered in the same statement through runs_by_event (its entries are in id
 * order, so the inner ORDER BY costs no sort): a page of the feed is one query.
 */
export function feedSql(typed: boolean, after: boolean): string {
  const range = (type: string) => `SELECT e.id, e.type, e.boot, e.seq, e.age, e.bat, e.rssi, e.received_at, e.pressed_at, e.counter, e.state, e.reason, e.code,
    (SELECT json_group_array(json_object('method', r.method, 'url', r.url, 'status', r.status, 'durationMs', r.duration_ms,
        'reason', r.reason, 'error', r.error, 'startedAt', r.started_at))
      FROM (SELECT * FROM runs WHERE event_id = e.id ORDER BY id) r) AS runs
    FROM events e INDEXED BY events_by_bttn_type_id
    WHERE e.bttn = @bttn AND e.type = ${type}${after ? " AND e.id > @after" : ""}`;
  const ranges = typed ? range("@type") : ACTION_EVENT_TYPES.map((t) => range(`'${t}'`)).join("\n  UNION ALL\n");
  return `${ranges}\n  ORDER BY id ${after ? "ASC" : "DESC"} LIMIT @limit`;
}
