// Async callbacks waiting for their answer, shared by the group: whichever relay the callback
// reaches decides the press, and each deadline fires once. Both are a claim: the DELETE that
// removes the row tells the one caller that removed it to go ahead (see ../store.ts).
import type pg from "pg";
import { callbackFromRow, CallbackDbRow } from "../rows";
import type { CallbackRepo, CallbackRow } from "../store";
import type { WriteQueue } from "./write-queue";

const COLUMNS = "token_hash, event_id, bttn, boot, seq, deadline, waits";

export class PgCallbacks implements CallbackRepo {
  constructor(
    private readonly pool: pg.Pool,
    private readonly queue: WriteQueue,
  ) {}

  async insert(r: CallbackRow): Promise<void> {
    await this.pool.query("INSERT INTO callbacks (token_hash, event_id, bttn, boot, seq, deadline, waits, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", [
      r.tokenHash,
      r.eventId,
      r.bttn,
      r.boot,
      r.seq,
      r.deadline,
      r.waits,
      Date.now(),
    ]);
  }

  /** Queued (nobody waits): resolves at once. A lost extension only makes the deadline come sooner. */
  async extend(tokenHash: string, deadline: number, waits: number): Promise<void> {
    this.queue.write({ text: "UPDATE callbacks SET deadline = $1, waits = $2 WHERE token_hash = $3", values: [deadline, waits, tokenHash] });
  }

  async claim(tokenHash: string): Promise<CallbackRow | undefined> {
    const r = await this.pool.query<CallbackDbRow>(`DELETE FROM callbacks WHERE token_hash = $1 RETURNING ${COLUMNS}`, [tokenHash]);
    return r.rows[0] && callbackFromRow(r.rows[0]);
  }

  async claimExpired(now: number): Promise<CallbackRow[]> {
    const r = await this.pool.query<CallbackDbRow>(`DELETE FROM callbacks WHERE deadline <= $1 RETURNING ${COLUMNS}`, [now]);
    return r.rows.map(callbackFromRow).sort((a, b) => a.deadline - b.deadline);
  }

  async find(tokenHash: string): Promise<CallbackRow | undefined> {
    await this.queue.settled(); // this relay's own queued extensions are seen
    const r = await this.pool.query<CallbackDbRow>(`SELECT ${COLUMNS} FROM callbacks WHERE token_hash = $1`, [tokenHash]);
    return r.rows[0] && callbackFromRow(r.rows[0]);
  }

  async findByEvent(eventId: number): Promise<CallbackRow | undefined> {
    await this.queue.settled();
    const r = await this.pool.query<CallbackDbRow>(`SELECT ${COLUMNS} FROM callbacks WHERE event_id = $1`, [eventId]);
    return r.rows[0] && callbackFromRow(r.rows[0]);
  }

  async all(): Promise<CallbackRow[]> {
    await this.queue.settled();
    return (await this.pool.query<CallbackDbRow>(`SELECT ${COLUMNS} FROM callbacks ORDER BY deadline`)).rows.map(callbackFromRow);
  }
}
