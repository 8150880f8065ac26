// The bttns in SQLite. Reads come from the copy in memory (bttn-cache.ts); the relay's `watch`
// checks SQLite's data_version on a timer, so a change another process (the CLI) commits shows,
// and old sessions go, within a second even when no device sends anything.
import type { Bttn } from "../bttns";
import { bttnFromRow, BttnRow } from "../rows";
import { BttnCache, BttnWrite } from "../bttn-cache";
import type { Db } from "./db";
import { dataVersion } from "./db";


const params = (b: BttnWrite) => ({
  id: b.id,
  origin: b.origin,
  salt: b.secret.salt,
  hash: b.secret.hash,
  props: JSON.stringify(b.props),
  actions: JSON.stringify(b.actions),
  device: JSON.stringify(b.device),
  now: b.now,
});

export class SqliteBttns extends BttnCache {
  private readonly q;

  constructor(private readonly db: Db) {
    super();
    this.q = {
      all: db.prepare<[], BttnRow>("SELECT * FROM bttns ORDER BY id"),
      insert: db.prepare(
        "INSERT INTO bttns (id, origin, secret_salt, secret_hash, props, actions, device, created_at, updated_at) VALUES (@id, @origin, @salt, @hash, @props, @actions, @device, @now, @now)",
      ),
      update: db.prepare(
        "UPDATE bttns SET origin = @origin, secret_salt = @salt, secret_hash = @hash, props = @props, actions = @actions, device = @device, updated_at = @now WHERE id = @id",
      ),
      remove: db.prepare<[string]>("DELETE FROM bttns WHERE id = ?"),
    };
  }

  protected async loadAll(): Promise<Bttn[]> {
    return this.q.all.all().map(bttnFromRow);
  }

  /** SQLite's data_version changes whenever another connection commits (this one's own writes reload at once). */
  protected async currentVersion(): Promise<unknown> {
    return dataVersion(this.db);
  }

  protected async insert(b: BttnWrite): Promise<void> {
    this.q.insert.run(params(b));
  }

  protected async replace(b: BttnWrite): Promise<boolean> {
    return this.q.update.run(params(b)).changes > 0;
  }

  protected async delete(id: string): Promise<boolean> {
    return this.q.remove.run(id).changes > 0;
  }
}
