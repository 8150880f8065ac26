// What the not-pressed watch shares across the group: per bttn, the end of the last window checked.
// A window is checked by one relay: the one whose claimWindow moved the mark.
import { EVENT_TYPES } from "@bttn/shared";
import type pg from "pg";
import type { NotPressedRepo } from "../store";
import type { WriteQueue } from "./write-queue";

/** Device event types that count as a press (a heartbeat does not). */
const PRESS_TYPES = EVENT_TYPES.filter((t) => t !== "heartbeat");

export class PgNotPressed implements NotPressedRepo {
  constructor(
    private readonly pool: pg.Pool,
    private readonly queue: WriteQueue,
  ) {}

  async checkedUntil(bttn: string): Promise<number | undefined> {
    return (await this.pool.query<{ checked_until: number }>("SELECT checked_until FROM not_pressed_checks WHERE bttn = $1", [bttn])).rows[0]?.checked_until;
  }

  /**
   * The upsert changes the row only if its mark is earlier; a second relay doing the same waits for
   * the first's row lock, then sees the moved mark and changes nothing: RETURNING tells them apart.
   */
  async claimWindow(bttn: string, end: number): Promise<boolean> {
    const r = await this.pool.query(
      "INSERT INTO not_pressed_checks (bttn, checked_until) VALUES ($1, $2) ON CONFLICT (bttn) DO UPDATE SET checked_until = excluded.checked_until WHERE not_pressed_checks.checked_until < excluded.checked_until RETURNING bttn",
      [bttn, end],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /**
   * A press is received after it is made, so only presses received since `start` can have been made
   * in the window; the (bttn, type, id) index gives each type's range, filtered by the times.
   */
  async pressedBetween(bttn: string, start: number, end: number): Promise<boolean> {
    await this.queue.settled(); // nothing this relay queued is missed
    const r = await this.pool.query(
      "SELECT 1 FROM events WHERE bttn = $1 AND type = ANY($2) AND received_at >= $3 AND pressed_at >= $3 AND pressed_at < $4 LIMIT 1",
      [bttn, PRESS_TYPES, start, end],
    );
    return r.rows.length > 0;
  }
}
