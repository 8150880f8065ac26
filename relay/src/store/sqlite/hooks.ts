// Dynamic webhook registrations in SQLite (the rules: ../hooks.ts).
import { randomBytes } from "node:crypto";
import { checkHookUrl, Hook, MAX_HOOKS_PER_KEY } from "../hooks";
import { hookFromRow, HookRow } from "../rows";
import type { HookRepo } from "../store";
import type { Db } from "./db";


// A live registration: its key is not revoked and its bttn exists and is no newer than it.
const LIVE = "FROM hooks h JOIN api_keys k ON k.id = h.key_id AND k.revoked_at IS NULL JOIN bttns b ON b.id = h.bttn AND h.created_at >= b.created_at";

export class SqliteHooks implements HookRepo {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      insert: db.prepare("INSERT INTO hooks (id, key_id, bttn, url, created_at) VALUES (?, ?, ?, ?, ?)"),
      same: db.prepare<[string, string, string], HookRow>("SELECT * FROM hooks WHERE key_id = ? AND bttn = ? AND url = ?"),
      touch: db.prepare<[number, string]>("UPDATE hooks SET created_at = ? WHERE id = ?"),
      count: db.prepare<[string], { n: number }>(`SELECT COUNT(*) AS n ${LIVE} WHERE h.key_id = ?`),
      one: db.prepare<[string], HookRow>("SELECT * FROM hooks WHERE id = ?"),
      byKey: db.prepare<[string], HookRow>(`SELECT h.* ${LIVE} WHERE h.key_id = ? ORDER BY h.created_at, h.rowid`),
      all: db.prepare<[], HookRow>(`SELECT h.* ${LIVE} ORDER BY h.created_at, h.rowid`),
      newest: db.prepare<[string], { url: string }>(`SELECT h.url ${LIVE} WHERE h.bttn = ? ORDER BY h.created_at DESC, h.rowid DESC LIMIT 1`),
      remove: db.prepare<[string]>("DELETE FROM hooks WHERE id = ?"),
      removeBttn: db.prepare<[string]>("DELETE FROM hooks WHERE bttn = ?"),
    };
  }

  /**
   * Registers `url` for `bttn` on behalf of key `keyId` (the caller checked that the key may act
   * for the bttn). The same key registering the same URL again gets the same hook back, made the
   * newest: a server may register at each start without piling up rows.
   */
  async register(h: { bttn: string; url: string; keyId: string }): Promise<{ hook: Hook; fresh: boolean } | { full: true }> {
    const bad = checkHookUrl(h.url);
    if (bad) throw new Error("url: " + bad);
    // Stored as the URL parser writes it, so one URL spelled two ways is one registration.
    const url = new URL(h.url).href;
    const now = Date.now();
    const same = this.q.same.get(h.keyId, h.bttn, url);
    if (same) {
      this.q.touch.run(Math.max(now, same.created_at), same.id);
      return { hook: hookFromRow(this.q.one.get(same.id)!), fresh: false };
    }
    if (this.q.count.get(h.keyId)!.n >= MAX_HOOKS_PER_KEY) return { full: true };
    const id = randomBytes(8).toString("hex");
    this.q.insert.run(id, h.keyId, h.bttn, url, now);
    return { hook: hookFromRow(this.q.one.get(id)!), fresh: true };
  }

  /** Live hooks of one key, or of every key when `keyId` is undefined; oldest first. */
  async list(keyId?: string): Promise<Hook[]> {
    return (keyId === undefined ? this.q.all.all() : this.q.byKey.all(keyId)).map(hookFromRow);
  }

  /** Deletes a hook of key `by`, or any hook when `by` is an admin; false when there is none to delete. */
  async remove(id: string, by: { id: string; kind: string }): Promise<boolean> {
    const h = this.q.one.get(id);
    if (!h || (by.kind !== "admin" && h.key_id !== by.id)) return false;
    this.q.remove.run(id);
    return true;
  }

  /** Forgets every registration for a bttn (it was removed). */
  async removeForBttn(bttn: string): Promise<number> {
    return this.q.removeBttn.run(bttn).changes;
  }

  /** The URL most recently registered for a bttn by a live key, or undefined. Runs per dynamic press. */
  async urlFor(bttnId: string): Promise<string | undefined> {
    return this.q.newest.get(bttnId)?.url;
  }
}
