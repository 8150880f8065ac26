// The feed in PostgreSQL: every accepted event, its counters, its outcome and its runs. Shared by
// the relays of a group, so nothing is counted in memory: the counts are the database's, and the
// UNIQUE (bttn, boot, seq) constraint makes a press redelivered to any relay fire only once.
import { ACTION_EVENT_TYPES, type Reason } from "@bttn/shared";
import type pg from "pg";
import type { Accepted, Counters, EventState, FeedEntry, FeedEvent, FeedQuery, RunRecord } from "../events";
import { emptyCounters } from "../events";
import { StoreUnavailableError } from "../trouble";
import { feedEntryFromRow, FeedRow, RunRow } from "../rows";
import type { EventRepo, EventSummary } from "../store";
import { isPgTrouble } from "./trouble";
import type { Statement, WriteQueue } from "./write-queue";

/** Ends a press still running or waiting; an ended one stays as it ended. */
const END = "UPDATE events SET state = $1, reason = $2, code = $3, finished_at = $4 WHERE id = $5 AND state IN ('running', 'waiting')";
const ACCEPT = "SELECT * FROM accept_event($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
const SUMMARY = "id, bttn, boot, seq, type, state, reason, code, received_at";

interface AcceptRow {
  out_fresh: boolean;
  out_id: number;
  out_counters: Record<string, number> | null;
  out_pressed_at: number;
  out_state: EventState;
  out_reason: Reason | null;
  out_code: number | null;
}

function countersFrom(rows: Record<string, number> | Array<{ type: string; count: number }>): Counters {
  const c = emptyCounters() as unknown as Record<string, number>;
  const pairs = Array.isArray(rows) ? rows.map((r) => [r.type, r.count] as const) : Object.entries(rows);
  for (const [type, count] of pairs) if (type in c) c[type] = Number(count);
  return c as unknown as Counters;
}

export class PgEvents implements EventRepo {
  /** Presses answered `fail internal` whose record still waits in the queue (see accept). */
  private unrecorded = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly queue: WriteQueue,
    private readonly relayId: string,
  ) {}

  private acceptStatement(bttn: string, ev: FeedEvent, receivedAt: number, unrecorded: boolean): Statement {
    return { name: "accept_event", text: ACCEPT, values: [bttn, ev.boot, ev.seq, ev.type, ev.age, ev.bat ?? null, ev.rssi ?? null, receivedAt, this.relayId, unrecorded, Date.now()] };
  }

  async accept(bttn: string, ev: FeedEvent, receivedAt: number): Promise<Accepted> {
    try {
      // While the database is away, no press waits for it: the queue's retry timer finds it back.
      const trouble = this.queue.trouble;
      if (trouble) throw new StoreUnavailableError(trouble.error);
      // A press answered `fail internal` is recorded so through the queue; until it is, a
      // redelivery of it must not reach the database first (it would be fresh and fire late).
      if (this.unrecorded > 0) await this.queue.flush();
      const st = this.acceptStatement(bttn, ev, receivedAt, false);
      const r = (await this.pool.query<AcceptRow>(st)).rows[0];
      if (!r.out_fresh) return await this.repeat(r);
      return { fresh: true, eventId: r.out_id, counters: countersFrom(r.out_counters ?? {}), pressedAt: r.out_pressed_at };
    } catch (err) {
      if (err instanceof StoreUnavailableError || isPgTrouble(err)) {
        // Not committed (or not known to be): the caller answers `fail internal` and does not fire.
        // The press is stored with that outcome once the database takes writes again; should the
        // first attempt have committed after all, this one finds it and changes nothing.
        this.unrecorded++;
        // It counts the press: the bttn's counter rows are written by every relay of the group.
        this.queue.write({ ...this.acceptStatement(bttn, ev, receivedAt, true), shared: "counters:" + bttn }, () => this.unrecorded--);
        if (!(err instanceof StoreUnavailableError)) this.queue.report(err);
        throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
      }
      throw err;
    }
  }

  /**
   * A repeat answers how the first press went. If it still looks under way, its outcome may wait
   * in this relay's queue (finish is lazy): commit that first, as SQLite's one queue would have.
   * Repeats are rare, so presses never wait for the queue.
   */
  private async repeat(r: AcceptRow): Promise<Accepted> {
    if ((r.out_state === "running" || r.out_state === "waiting") && this.queue.pendingWrites > 0) {
      await this.queue.settled();
      const now = (await this.pool.query<AcceptRow>("SELECT state AS out_state, reason AS out_reason, code AS out_code FROM events WHERE id = $1", [r.out_id])).rows[0];
      if (now) r = { ...r, ...now };
    }
    return { fresh: false, eventId: r.out_id, state: r.out_state, reason: r.out_reason, code: r.out_code };
  }

  async getCounters(bttn: string): Promise<Counters> {
    return countersFrom((await this.pool.query<{ type: string; count: number }>("SELECT type, count FROM counters WHERE bttn = $1", [bttn])).rows);
  }

  markWaiting(eventId: number): void {
    this.queue.write({ text: "UPDATE events SET state = 'waiting' WHERE id = $1 AND state = 'running'", values: [eventId] });
  }

  finish(eventId: number, state: "ok" | "fail", reason: Reason | null, code: number | null): void {
    this.queue.write({
      name: "claim_end",
      text: END,
      values: [state, reason, code, Date.now(), eventId],
    });
  }

  async claimEnd(eventId: number, state: "ok" | "fail", reason: Reason | null, code: number | null): Promise<boolean> {
    try {
      const r = await this.pool.query({ name: "claim_end", text: END, values: [state, reason, code, Date.now(), eventId] });
      return (r.rowCount ?? 0) > 0;
    } catch (err) {
      throw isPgTrouble(err) ? new StoreUnavailableError(err) : err;
    }
  }

  recordRun(r: RunRecord): void {
    this.queue.write({
      name: "record_run",
      text: "INSERT INTO runs (event_id, bttn, method, url, status, duration_ms, reason, error, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      values: [r.eventId, r.bttn, r.method, r.url, r.status ?? null, r.durationMs, r.reason ?? null, r.error ?? null, r.startedAt],
    });
  }

  async get(eventId: number): Promise<EventSummary | undefined> {
    await this.queue.settled(); // this relay's own lazy writes are seen
    return (await this.pool.query<EventSummary>(`SELECT ${SUMMARY} FROM events WHERE id = $1`, [eventId])).rows[0];
  }

  async closeInterrupted(): Promise<number> {
    const r = await this.pool.query("UPDATE events SET state = 'fail', reason = 'internal', finished_at = $1 WHERE taken_by = $2 AND state = 'running'", [
      Date.now(),
      this.relayId,
    ]);
    return r.rowCount ?? 0;
  }

  /**
   * One statement: a relay that runs it after another finds the rows no longer 'running' (it waits
   * for the other's row locks, then checks again), so each press is closed and told once.
   */
  async claimOrphans(relayIds: string[]): Promise<EventSummary[]> {
    if (!relayIds.length) return [];
    const r = await this.pool.query<EventSummary>(
      `UPDATE events SET state = 'fail', reason = 'internal', finished_at = $1 WHERE taken_by = ANY($2) AND state = 'running' RETURNING ${SUMMARY}`,
      [Date.now(), relayIds],
    );
    return r.rows.sort((a, b) => a.id - b.id);
  }

  async feed(bttn: string, query: FeedQuery): Promise<FeedEntry[]> {
    await this.queue.settled();
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 1000);
    const typed = query.type !== undefined;
    const after = query.after !== undefined;
    const values: unknown[] = [bttn, limit];
    if (typed) values.push(query.type);
    if (after) values.push(query.after);
    const rows = (await this.pool.query<PgFeedRow>(feedSql(typed, after), values)).rows;
    return rows.map((r) => feedEntryFromRow(r, r.runs));
  }
}

/** A feed row as PostgreSQL gives it: its runs already parsed (json_agg, oldest first). */
type PgFeedRow = FeedRow & { runs: RunRow[] };

/**
 * As SQLite's feedSql: one type is a range of the (bttn, type, id) index; all types the merge of
 * the ranges of each type (a UNION ALL that PostgreSQL merges in id order: a Merge Append, no sort
 * of the bttn's whole history). Runs come aggregated per event, in id order, in the same query.
 * $1 bttn, $2 limit, then $3 type (typed) and the after id ($3 or $4).
 */
export function feedSql(typed: boolean, after: boolean): string {
  const afterParam = typed ? "$4" : "$3";
  const range = (type: string) => `(SELECT e.id, e.type, e.boot, e.seq, e.age, e.bat, e.rssi, e.received_at, e.pressed_at, e.counter, e.state, e.reason, e.code
    FROM events e WHERE e.bttn = $1 AND e.type = ${type}${after ? ` AND e.id > ${afterParam}` : ""}
    ORDER BY e.id ${after ? "ASC" : "DESC"} LIMIT $2)`;
  const ranges = typed ? range("$3") : ACTION_EVENT_TYPES.map((t) => range(`'${t}'`)).join("\n  UNION ALL\n");
  return `SELECT p.*, COALESCE((SELECT json_agg(json_build_object('method', r.method, 'url', r.url, 'status', r.status, 'durationMs', r.duration_ms,
        'reason', r.reason, 'error', r.error, 'startedAt', r.started_at) ORDER BY r.id) FROM runs r WHERE r.event_id = p.id), '[]'::json) AS runs
  FROM (${ranges}) p
  ORDER BY p.id ${after ? "ASC" : "DESC"} LIMIT $2`;
}
