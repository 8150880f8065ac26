// `bttn-relay keys ...` and `admin token`: API keys, made in the database directly. A running relay
// reads keys from the database on every request, so a key made here works at once.
import { checkBttnId } from "@bttn/shared";
import type { ApiKey } from "../store/keys";
import { StoreAt, withStore } from "./cli-store";
import { UsageError } from "./options";

/** A key for a webhook server acting for `bttns`; returns the key, which is shown only now. */
export function createKey(at: StoreAt, name: string | undefined, bttns: string[]): Promise<{ key: ApiKey; token: string }> {
  if (!name) throw new UsageError("keys create: --name is required (who the key is for)");
  if (!bttns.length) throw new UsageError("keys create: give at least one --bttn ID (`admin token` makes a key for everything)");
  for (const id of bttns) {
    const e = checkBttnId(id);
    if (e) throw new UsageError("--bttn " + JSON.stringify(id) + ": " + e);
  }
  return withStore(at, ({ keys, bttns: store }) => {
    for (const id of bttns) if (!store.get(id)) throw new UsageError("--bttn: no bttn " + JSON.stringify(id));
    return keys.create({ name, kind: "key", bttns: [...new Set(bttns)] });
  });
}

export function createAdminToken(at: StoreAt, name: string | undefined): Promise<{ key: ApiKey; token: string }> {
  return withStore(at, ({ keys }) => keys.create({ name: name ?? "cli", kind: "admin" }));
}

export function listKeys(at: StoreAt): Promise<ApiKey[]> {
  return withStore(at, ({ keys }) => keys.list());
}

export async function revokeKey(at: StoreAt, id: string): Promise<void> {
  await withStore(at, async ({ keys }) => {
    if (!(await keys.revoke(id))) throw new UsageError("no API key " + JSON.stringify(id) + " (see keys list)");
  });
}

/** One line per key for `keys list`: id, kind, state, name, bttns, created. */
export function keyLine(k: ApiKey): string {
  const state = k.revokedAt === null ? "active" : "revoked";
  return [k.id, k.kind, state, k.name, k.kind === "admin" ? "*" : k.bttns.join(","), new Date(k.createdAt).toISOString()].join("\t");
}
