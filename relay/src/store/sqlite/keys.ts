// API keys in SQLite (what a key is and how one is judged: ../keys.ts).
import { ApiKey, judgeKey, KeyKind, newKey, offeredKeyId, publicKey, Verified } from "../keys";
import { KeyRow, keyFromRow } from "../rows";
import type { KeyRepo } from "../store";
import type { Db } from "./db";


export class SqliteKeys implements KeyRepo {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      insert: db.prepare("INSERT INTO api_keys (id, name, kind, salt, hash, bttns, created_at) VALUES (@id, @name, @kind, @salt, @hash, @bttns, @now)"),
      one: db.prepare<[string], KeyRow>("SELECT * FROM api_keys WHERE id = ?"),
      all: db.prepare<[], KeyRow>("SELECT * FROM api_keys ORDER BY created_at, rowid"),
      revoke: db.prepare<[number, string]>("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
      anyAdmin: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM api_keys WHERE kind = 'admin'"),
    };
  }

  async create(input: { name: string; kind: KeyKind; bttns?: string[] }): Promise<{ key: ApiKey; token: string }> {
    const { stored: k, token } = newKey(input);
    this.q.insert.run({ id: k.id, name: k.name, kind: k.kind, salt: k.secret.salt, hash: k.secret.hash, bttns: JSON.stringify(k.bttns), now: k.createdAt });
    return { key: publicKey(k), token };
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const r = this.q.one.get(id);
    return r ? publicKey(keyFromRow(r)) : undefined;
  }

  /** Every key, revoked ones included (with `revokedAt`), never a secret or its hash. */
  async list(): Promise<ApiKey[]> {
    return this.q.all.all().map((r) => publicKey(keyFromRow(r)));
  }

  /** Returns false for an unknown id; revoking twice is harmless. */
  async revoke(id: string): Promise<boolean> {
    if (!this.q.one.get(id)) return false;
    this.q.revoke.run(Date.now(), id);
    return true;
  }

  /** Whether an admin key was ever made (revoked ones count: see ensureAdminToken). */
  async hasAdmin(): Promise<boolean> {
    return this.q.anyAdmin.get()!.n > 0;
  }

  async verify(offered: string): Promise<Verified> {
    const id = offeredKeyId(offered);
    const row = id ? this.q.one.get(id) : undefined;
    return judgeKey(offered, row && keyFromRow(row));
  }
}
