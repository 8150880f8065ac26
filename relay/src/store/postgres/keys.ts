// API keys in PostgreSQL, as SQLite's KeyStore (store/keys.ts): `bttn_<id>_<secret>`, only the
// secret's salted hash stored, read from the database on every check (a key revoked by another
// relay counts at once), and every check hashing once whatever it finds.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { ApiKey, KeyKind, Verified } from "../keys";
import { hashSecret, newSecret, type SecretHash, verifySecret } from "../secrets";
import type { KeyRepo } from "../store";

const FORMAT = /^bttn_([0-9a-f]{16})_([A-Za-z0-9_-]{32})$/;

interface Row {
  id: string;
  name: string;
  kind: KeyKind;
  salt: string;
  hash: string;
  bttns: string;
  created_at: number;
  revoked_at: number | null;
}

const fromRow = (r: Row): ApiKey => ({ id: r.id, name: r.name, kind: r.kind, bttns: JSON.parse(r.bttns), createdAt: r.created_at, revokedAt: r.revoked_at });

// Checked against when the offered key names no row, so a miss costs the same hash as a hit.
const DECOY: SecretHash = hashSecret(newSecret(24));

export class PgKeys implements KeyRepo {
  constructor(private readonly pool: pg.Pool) {}

  private async row(id: string): Promise<Row | undefined> {
    return (await this.pool.query<Row>("SELECT * FROM api_keys WHERE id = $1", [id])).rows[0];
  }

  async create(input: { name: string; kind: KeyKind; bttns?: string[] }): Promise<{ key: ApiKey; token: string }> {
    const id = randomBytes(8).toString("hex");
    const secret = newSecret(24);
    const h = hashSecret(secret);
    const r = await this.pool.query<Row>(
      "INSERT INTO api_keys (id, name, kind, salt, hash, bttns, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
      [id, input.name, input.kind, h.salt, h.hash, JSON.stringify(input.kind === "admin" ? [] : (input.bttns ?? [])), Date.now()],
    );
    return { key: fromRow(r.rows[0]), token: "bttn_" + id + "_" + secret };
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const r = await this.row(id);
    return r ? fromRow(r) : undefined;
  }

  async list(): Promise<ApiKey[]> {
    return (await this.pool.query<Row>("SELECT * FROM api_keys ORDER BY created_at, id")).rows.map(fromRow);
  }

  /** False for an unknown id; revoking twice is harmless (the first time stays). */
  async revoke(id: string): Promise<boolean> {
    const r = await this.pool.query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2", [Date.now(), id]);
    return (r.rowCount ?? 0) > 0;
  }

  async hasAdmin(): Promise<boolean> {
    return (await this.pool.query("SELECT 1 FROM api_keys WHERE kind = 'admin' LIMIT 1")).rows.length > 0;
  }

  /** Every path hashes once and compares in constant time (see store/keys.ts). */
  async verify(offered: string): Promise<Verified> {
    const m = FORMAT.exec(offered);
    const row = m ? await this.row(m[1]) : undefined;
    const good = verifySecret(m ? m[2] : offered, row ?? DECOY);
    if (!m) return { ok: false, why: "malformed" };
    if (!row) return { ok: false, why: "unknown" };
    if (!good) return { ok: false, why: "wrong-secret", keyId: row.id };
    if (row.revoked_at !== null) return { ok: false, why: "revoked", keyId: row.id };
    return { ok: true, key: fromRow(row) };
  }
}
