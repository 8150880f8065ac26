// Dynamic webhooks in PostgreSQL, as SQLite's HookStore (store/hooks.ts): the newest live
// registration for a bttn wins; a registration stops counting when its key is revoked or its bttn
// removed (or added again: a bttn newer than the hook is a new bttn).
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { checkHookUrl, type Hook, MAX_HOOKS_PER_KEY } from "../hooks";
import { hookFromRow, HookRow } from "../rows";
import type { HookRepo } from "../store";
import { withClient } from "./pool";


// A live registration: its key is not revoked and its bttn exists and is no newer than it.
const LIVE = "FROM hooks h JOIN api_keys k ON k.id = h.key_id AND k.revoked_at IS NULL JOIN bttns b ON b.id = h.bttn AND h.created_at >= b.created_at";
const COLUMNS = "h.id, h.key_id, h.bttn, h.url, h.created_at";

export class PgHooks implements HookRepo {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * As SQLite's: the same key registering the same URL again gets the same hook, made the newest.
   * One transaction that locks the key's row: two relays registering for one key at once take
   * turns, so neither adds a second row for the same URL nor goes past the cap.
   */
  async register(h: { bttn: string; url: string; keyId: string }): Promise<{ hook: Hook; fresh: boolean } | { full: true }> {
    const bad = checkHookUrl(h.url);
    if (bad) throw new Error("url: " + bad);
    const url = new URL(h.url).href;
    const now = Date.now();
    return withClient(this.pool, async (client) => {
      try {
          await client.query("BEGIN");
          await client.query("SELECT 1 FROM api_keys WHERE id = $1 FOR UPDATE", [h.keyId]);
          const same = (await client.query<HookRow>("SELECT * FROM hooks WHERE key_id = $1 AND bttn = $2 AND url = $3", [h.keyId, h.bttn, url])).rows[0];
          let result: { hook: Hook; fresh: boolean } | { full: true };
          if (same) {
            const r = await client.query<HookRow>("UPDATE hooks SET created_at = GREATEST(created_at, $1) WHERE id = $2 RETURNING *", [now, same.id]);
            result = { hook: hookFromRow(r.rows[0]), fresh: false };
          } else if (Number((await client.query<{ n: number }>(`SELECT COUNT(*) AS n ${LIVE} WHERE h.key_id = $1`, [h.keyId])).rows[0].n) >= MAX_HOOKS_PER_KEY) {
            result = { full: true };
          } else {
            const r = await client.query<HookRow>("INSERT INTO hooks (id, key_id, bttn, url, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *", [
              randomBytes(8).toString("hex"),
              h.keyId,
              h.bttn,
              url,
              now,
            ]);
            result = { hook: hookFromRow(r.rows[0]), fresh: true };
          }
          await client.query("COMMIT");
          return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
  }

  async list(keyId?: string): Promise<Hook[]> {
    const r =
      keyId === undefined
        ? await this.pool.query<HookRow>(`SELECT ${COLUMNS} ${LIVE} ORDER BY h.created_at, h.ord`)
        : await this.pool.query<HookRow>(`SELECT ${COLUMNS} ${LIVE} WHERE h.key_id = $1 ORDER BY h.created_at, h.ord`, [keyId]);
    return r.rows.map(hookFromRow);
  }

  /** Deletes a hook of key `by`, or any hook when `by` is an admin. */
  async remove(id: string, by: { id: string; kind: string }): Promise<boolean> {
    const r =
      by.kind === "admin"
        ? await this.pool.query("DELETE FROM hooks WHERE id = $1", [id])
        : await this.pool.query("DELETE FROM hooks WHERE id = $1 AND key_id = $2", [id, by.id]);
    return (r.rowCount ?? 0) > 0;
  }

  async removeForBttn(bttn: string): Promise<number> {
    return (await this.pool.query("DELETE FROM hooks WHERE bttn = $1", [bttn])).rowCount ?? 0;
  }

  async urlFor(bttnId: string): Promise<string | undefined> {
    return (await this.pool.query<{ url: string }>(`SELECT h.url ${LIVE} WHERE h.bttn = $1 ORDER BY h.created_at DESC, h.ord DESC LIMIT 1`, [bttnId])).rows[0]?.url;
  }
}
