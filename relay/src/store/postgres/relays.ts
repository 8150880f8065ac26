// The relays of a group, each with the time it last said it is alive. A relay whose beat is old
// stopped (or lost the database): its running presses are claimed by another (events.claimOrphans).
import type pg from "pg";
import type { RelayRepo } from "../store";

export class PgRelays implements RelayRepo {
  constructor(
    private readonly pool: pg.Pool,
    private readonly relayId: string,
  ) {}

  async beat(now: number): Promise<void> {
    await this.pool.query("INSERT INTO relays (id, last_beat) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET last_beat = GREATEST(relays.last_beat, excluded.last_beat)", [
      this.relayId,
      now,
    ]);
  }

  async dead(before: number): Promise<string[]> {
    return (await this.pool.query<{ id: string }>("SELECT id FROM relays WHERE last_beat < $1 AND id <> $2 ORDER BY id", [before, this.relayId])).rows.map((r) => r.id);
  }

  async forget(relayId: string): Promise<void> {
    await this.pool.query("DELETE FROM relays WHERE id = $1", [relayId]);
  }
}
