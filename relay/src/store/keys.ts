// API keys: 'key' for a webhook server acting for some bttns (dynamic webhooks, the read API), and
// 'admin' for whoever runs the relay. A key reads `bttn_<id>_<secret>`: the id finds the row in
// one lookup, and only the secret's salted hash is stored, so the plaintext exists once, in the
// answer to `create`. Keys are read from the database on every check (no cache): one made by the
// CLI, or revoked by another process or relay, counts at once.
import { randomBytes } from "node:crypto";
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

/** A key as an engine stores it: the key and its secret's salted hash. */
export interface StoredKey extends ApiKey {
  secret: SecretHash;
}

export type Verified =
  | { ok: true; key: ApiKey }
  /** `keyId` when the offered key named a key that exists (its id is no secret: `keys list` shows it). */
  | { ok: false; why: "malformed" | "unknown" | "revoked" | "wrong-secret"; keyId?: string };

const FORMAT = /^bttn_([0-9a-f]{16})_([A-Za-z0-9_-]{32})$/;

// Checked against when the offered key names no row, so a miss costs the same hash as a hit.
const DECOY: SecretHash = hashSecret(newSecret(24));

/** A new key to store, and its token: the only copy of its plaintext. */
export function newKey(input: { name: string; kind: KeyKind; bttns?: string[] }): { stored: StoredKey; token: string } {
  const id = randomBytes(8).toString("hex");
  const secret = newSecret(24);
  const stored: StoredKey = {
    id,
    name: input.name,
    kind: input.kind,
    bttns: input.kind === "admin" ? [] : (input.bttns ?? []),
    createdAt: Date.now(),
    revokedAt: null,
    secret: hashSecret(secret),
  };
  return { stored, token: "bttn_" + id + "_" + secret };
}

/** The key id an offered key names, if it is shaped like a key at all. */
export function offeredKeyId(offered: string): string | undefined {
  return FORMAT.exec(offered)?.[1];
}

/**
 * Judges an offered key against the row its id named (`row`: undefined when none). Every path
 * hashes once and compares in constant time, so a caller cannot tell a malformed, unknown or
 * revoked key from a wrong secret by the time it takes.
 */
export function judgeKey(offered: string, row: StoredKey | undefined): Verified {
  const m = FORMAT.exec(offered);
  const good = verifySecret(m ? m[2] : offered, row?.secret ?? DECOY);
  if (!m) return { ok: false, why: "malformed" };
  if (!row) return { ok: false, why: "unknown" };
  if (!good) return { ok: false, why: "wrong-secret", keyId: row.id };
  if (row.revokedAt !== null) return { ok: false, why: "revoked", keyId: row.id };
  return { ok: true, key: publicKey(row) };
}

/** A stored key without its hash. */
export function publicKey(k: StoredKey): ApiKey {
  return { id: k.id, name: k.name, kind: k.kind, bttns: k.bttns, createdAt: k.createdAt, revokedAt: k.revokedAt };
}
