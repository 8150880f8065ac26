// What the not-pressed watch remembers in SQLite (the end of the last window it checked, per bttn)
// and the question it asks the feed (was the bttn pressed between two instants?). One relay per
// file: the copy in memory is the truth, and the row only carries it over a restart.
import { EVENT_TYPES } from "@bttn/shared";
import type { NotPressedRepo } from "../store";
import type { Db } from "./db";
import type { GroupCommit } from "./group-commit";

/** Device event types that count as a press (a heartbeat does not). */
const PRESS_TYPES = EVENT_TYPES.filter((t) => t !== "heartbeat");

export class SqliteNotPressed implements NotPressedRepo {
  private readonly checked = new Map<string, number>();
  private readonly q;

  constructor(
    db: Db,
    private readonly commit: GroupCommit,
  ) {
    this.q = {
      all: db.prepare<[], { bttn: string; checked_until: number }>("SELECT bttn, checked_until FROM not_pressed_checks"),
      set: db.prepare<[string, number]>("INSERT INTO not_pressed_checks (bttn, checked_until) VALUES (?, ?) ON CONFLICT (bttn) DO UPDATE SET checked_until = excluded.checked_until"),
      // Newest first by the (bttn, type, id) index; ids grow with the time of receipt.
      newest: db.prepare<[string, string], { received_at: number; pressed_at: number }>(
        "SELECT received_at, pressed_at FROM events INDEXED BY events_by_bttn_type_id WHERE bttn = ? AND type = ? ORDER BY id DESC",
      ),
    };
    for (const r of this.q.all.all()) this.checked.set(r.bttn, r.checked_until);
  }

  /** The end of the last window checked for this bttn; undefined if none was yet. */
  async checkedUntil(bttn: string): Promise<number | undefined> {
    return this.checked.get(bttn);
  }

  async claimWindow(bttn: string, end: number): Promise<boolean> {
    if ((this.checked.get(bttn) ?? -Infinity) >= end) return false;
    this.checked.set(bttn, end);
    this.commit.write(() => this.q.set.run(bttn, end));
    return true;
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
