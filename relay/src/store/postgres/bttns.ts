// The bttns in PostgreSQL, read through the copy in memory both engines share (../bttn-cache.ts).
// Another relay's change shows by the `bttns_version` counter its statement bumped (a trigger on
// bttns, schema.ts): one indexed single-row read per check, not a reload.
import type pg from "pg";
import { BttnCache, type BttnWrite } from "../bttn-cache";
import type { Bttn } from "../bttns";
import { bttnFromRow, BttnRow } from "../rows";


const values = (b: BttnWrite) => [b.id, b.origin, b.secret.salt, b.secret.hash, JSON.stringify(b.props), JSON.stringify(b.actions), JSON.stringify(b.device), b.now];

export class PgBttns extends BttnCache {
  constructor(private readonly pool: pg.Pool) {
    super();
  }

  protected async loadAll(): Promise<Bttn[]> {
    return (await this.pool.query<BttnRow>("SELECT * FROM bttns ORDER BY id")).rows.map(bttnFromRow);
  }

  protected async currentVersion(): Promise<unknown> {
    return (await this.pool.query<{ version: number }>("SELECT version FROM bttns_version")).rows[0].version;
  }

  protected async insert(b: BttnWrite): Promise<void> {
    await this.pool.query(
      "INSERT INTO bttns (id, origin, secret_salt, secret_hash, props, actions, device, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
      values(b),
    );
  }

  protected async replace(b: BttnWrite): Promise<boolean> {
    const r = await this.pool.query(
      "UPDATE bttns SET origin = $2, secret_salt = $3, secret_hash = $4, props = $5, actions = $6, device = $7, updated_at = $8 WHERE id = $1",
      values(b),
    );
    return (r.rowCount ?? 0) > 0;
  }

  protected async delete(id: string): Promise<boolean> {
    return ((await this.pool.query("DELETE FROM bttns WHERE id = $1", [id])).rowCount ?? 0) > 0;
  }
}
