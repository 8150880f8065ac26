// Opens the store a relay or a CLI command asked for: the SQLite file in the data directory, or
// the PostgreSQL database a group of relays shares (`--store postgres://...`). The PostgreSQL
// engine and its driver load only when asked for.
import { ConfigError } from "../config/file";
import type { Logger } from "../log";
import { redactUrl } from "../redact";
import { openSqliteStore } from "./sqlite/open";
import type { Store } from "./store";

export interface OpenStoreOptions {
  dataDir: string;
  /** A postgres:// (or postgresql://) URL; absent: SQLite in `dataDir`. */
  url?: string;
  /** This relay's name in the group. */
  relayId: string;
  log?: Logger;
  /** A long-running relay (not a CLI command): background work such as SQLite's checkpoints. */
  running?: boolean;
}

/** Whether `url` names a PostgreSQL database; anything else given as a store is refused. */
export function checkStoreUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigError("--store: not a URL; give postgres://user:password@host:5432/database (or leave it out for SQLite in the data directory)");
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:") throw new ConfigError("--store: " + redactUrl(url) + " is not a postgres:// URL (SQLite needs no --store: it lives in the data directory)");
}

export async function openStore(o: OpenStoreOptions): Promise<Store> {
  if (o.url === undefined) return openSqliteStore(o.dataDir, { relayId: o.relayId, log: o.log, running: o.running });
  checkStoreUrl(o.url);
  const { openPostgresStore } = await import("./postgres/open");
  return openPostgresStore(o.url, { relayId: o.relayId, log: o.log });
}
