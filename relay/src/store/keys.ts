// API keys: 'key' for a webhook server acting for some bttns (dynamic webhooks, the read API), and
// 'admin' for whoever runs the relay. A key reads `bttn_<id>_<secret>`: the id finds the row in
// one lookup, and only the secret's salted hash is stored, so the plaintext exists once, in the
// answer to `create`. Keys are read from the database on every check (no cache): one by the CLI
// or revoked in another process counts at once.
import { randomBytes } from "node:crypto";
import type { Db } from "./db";
import { hashSecret, newSecret, SecretHash, verifySecret } from "./secrets";

export const KEY_KINDS = ["key", "admin"] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

export interface ApiKey {
  id: string;
  name: string;
  kind: KeyKind;
  /** The bttn ids a 'key' may act for; empty for 'admin', which may act for all. */
  bttns: string[];
  createdAt: number;
  revokedAt: number | null;
}

export type Verified =
  | { ok: true; key: ApiKey }
  /** `keyId` when the offered key named a key that exists (its id is no secret: `keys list` shows it). */
  | { ok: false; why: "malformed" | "unknown" | "revoked" | "wrong-secret"; keyId?: string };

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

function fromRow(r: Row): ApiKey {
  return { id: r.id, name: r.name, kind: r.kind, bttns: JSON.parse(r.bttns), createdAt: r.created_at, revokedAt: r.revoked_at };
}

// Checked against when the offered key names no row, so a miss costs the same hash as a hit.
const DECOY: SecretHash = hashSecret(newSecret(24));

export class KeyStore {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      insert: db.prepare("INSERT INTO api_keys (id, name, kind, salt, hash, bttns, created_at) VALUES (@id, @name, @kind, @salt, @hash, @bttns, @now)"),
      one: db.prepare<[string], Row>("SELECT * FROM api_keys WHERE id = ?"),
      all: db.prepare<[], Row>("SELECT * FROM api_keys ORDER BY created_at, id"),
      revoke: db.prepare<[number, string]>("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
      anyAdmin: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM api_keys WHERE kind = 'admin'"),
    };
  }

  /** Makes a key; `token` is the only copy of its plaintext. */
  create(input: { name: string; kind: KeyKind; bttns?: string[] }): { key: ApiKey; token: string } {
    const id = randomBytes(8).toString("hex");
    const secret = newSecret(24);
    this.q.insert.run({
      id,
      name: input.name,
      kind: input.kind,
      ...hashSecret(secret),
      bttns: JSON.stringify(input.kind === "admin" ? [] : (input.bttns ?? [])),
      now: Date.now(),
    });
    return { key: this.get(id)!, token: "bttn_" + id + "_" + secret };
  }

  get(id: string): ApiKey | undefined {
    const r = this.q.one.get(id);
    return r ? fromRow(r) : undefined;
  }

  /** Every key, revoked ones included (with `revokedAt`), never a secret or its hash. */
  list(): ApiKey[] {
    return this.q.all.all().map(fromRow);
  }

  /** Returns false for an unknown id; revoking twice is harmless. */
  revoke(id: string): boolean {
    if (!this.q.one.get(id)) return false;
    this.q.revoke.run(Date.now(), id);
    return true;
  }

  /** Whether an admin key was ever made (revoked ones count: see ensureAdminToken). */
  hasAdmin(): boolean {
    return this.q.anyAdmin.get()!.n > 0;
  }

  /**
   * Checks an offered key. Every path hashes once and compares in constant time, so a caller
   * cannot tell a malformed, unknown or revoked key from a wrong secret by the time it takes.
   */
  verify(offered: string): Verified {
    const m = FORMAT.exec(offered);
    const row = m ? this.q.one.get(m[1]) : undefined;
    const good = verifySecret(m ? m[2] : offered, row ?? DECOY);
    if (!m) return { ok: false, why: "malformed" };
    if (!row) return { ok: false, why: "unknown" };
    if (!good) return { ok: false, why: "wrong-secret", keyId: row.id };
    if (row.revoked_at !== null) return { ok: false, why: "revoked", keyId: row.id };
    return { ok: true, key: fromRow(row) };
  }
}
