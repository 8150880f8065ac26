// API keys in PostgreSQL (what a key is and how one is judged: ../keys.ts). Read from the database
// on every check: a key revoked by another relay of the group counts at once.
import type pg from "pg";
import { ApiKey, judgeKey, KeyKind, newKey, offeredKeyId, publicKey, Verified } from "../keys";
import { KeyRow, keyFromRow } from "../rows";
import type { KeyRepo } from "../store";

const COLUMNS = "id, name, kind, salt, hash, bttns, created_at, revoked_at";


export class PgKeys implements KeyRepo {
  constructor(private readonly pool: pg.Pool) {}

  private async row(id: string): Promise<KeyRow | undefined> {
    return (await this.pool.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1`, [id])).rows[0];
  }

  async create(input: { name: string; kind: KeyKind; bttns?: string[] }): Promise<{ key: ApiKey; token: string }> {
    const { stored: k, token } = newKey(input);
    await this.pool.query("INSERT INTO api_keys (id, name, kind, salt, hash, bttns, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
      k.id,
      k.name,
      k.kind,
      k.secret.salt,
      k.secret.hash,
      JSON.stringify(k.bttns),
      k.createdAt,
    ]);
    return { key: publicKey(k), token };
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const r = await this.row(id);
    return r ? publicKey(keyFromRow(r)) : undefined;
  }

  async list(): Promise<ApiKey[]> {
    return (await this.pool.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, ord`)).rows.map((r) => publicKey(keyFromRow(r)));
  }

  /** False for an unknown id; revoking twice is harmless (the first time stays). */
  async revoke(id: string): Promise<boolean> {
    const r = await this.pool.query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2", [Date.now(), id]);
    return (r.rowCount ?? 0) > 0;
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.pool.query("SELECT 1 FROM api_keys WHERE kind = 'admin' LIMIT 1")).rows.length > 0;
  }

  async verify(offered: string): Promise<Verified> {
    const id = offeredKeyId(offered);
    const row = id ? await this.row(id) : undefined;
    return judgeKey(offered, row && keyFromRow(row));
  }
}
