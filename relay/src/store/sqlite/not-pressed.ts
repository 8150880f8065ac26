// What the not-pressed watch remembers in SQLite (the end of the last window it checked, per bttn)
// and the question it asks the feed (was the bttn pressed between two instants?).
import { EVENT_TYPES } from "@bttn/shared";
import type { NotPressedRepo } from "../store";
import type { Db } from "./db";
import type { GroupCommit } from "./group-commit";

/** Device event types that count as a press (a heartbeat does not). */
const PRESS_TYPES = EVENT_TYPES.filter((t) => t !== "heartbeat");

export class SqliteNotPressed implements NotPressedRepo {
  private readonly q;

  constructor(
    db: Db,
    private readonly commit: GroupCommit,
  ) {
    this.q = {
      one: db.prepare<[string], { checked_until: number }>("SELECT checked_until FROM not_pressed_checks WHERE bttn = ?"),
      // Moves the mark forward only: the caller that moved it checks the window.
      claim: db.prepare<[string, number], { bttn: string }>(
        "INSERT INTO not_pressed_checks (bttn, checked_until) VALUES (?, ?) ON CONFLICT (bttn) DO UPDATE SET checked_until = excluded.checked_until WHERE checked_until < excluded.checked_until RETURNING bttn",
      ),
      // Newest first by the (bttn, type, id) index; ids grow with the time of receipt.
      newest: db.prepare<[string, string], { received_at: number; pressed_at: number }>(
        "SELECT received_at, pressed_at FROM events INDEXED BY events_by_bttn_type_id WHERE bttn = ? AND type = ? ORDER BY id DESC",
      ),
    };
  }

  /** The end of the last window checked for this bttn; undefined if none was yet. */
  async checkedUntil(bttn: string): Promise<number | undefined> {
    this.commit.flush();
    return this.q.one.get(bttn)?.checked_until;
  }

  /** Committed before the window is checked (once a window, so the wait for a commit costs nothing). */
  claimWindow(bttn: string, end: number): Promise<boolean> {
    return this.commit.call(() => this.q.claim.get(bttn, end) !== undefined);
  }

  /** Whether a press of this bttn was made in [start, end). */
  async pressedBetween(bttn: string, start: number, end: number): Promise<boolean> {
    this.commit.flush(); // a press accepted a moment ago counts
    // A press is received after it is made, so each scan stops at the first press received before
    // `start`: it reads the presses since the window opened, not the bttn's whole history.
    return PRESS_TYPES.some((type) => {
      for (const r of this.q.newest.iterate(bttn, type)) {
        if (r.received_at < start) return false;
        if (r.pressed_at >= start && r.pressed_at < end) return true;
      }
      return false;
    });
  }
}
