// Opens the store a relay or a CLI command asked for: the SQLite file in the data directory, or
// the PostgreSQL database a group of relays shares (`--store postgres://...`). The PostgreSQL
// engine and its driver load only when asked for.
import { ConfigError } from "../config/file";
import type { Logger } from "../log";
import { openSqliteStore } from "./sqlite/open";
import type { Store } from "./store";
import { isStoreUrl, STORE_URL_RULE } from "./store-url";

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

export async function openStore(o: OpenStoreOptions): Promise<Store> {
  if (o.url === undefined) return openSqliteStore(o.dataDir, { relayId: o.relayId, log: o.log, running: o.running });
  if (!isStoreUrl(o.url)) throw new ConfigError("--store: " + STORE_URL_RULE);
  const { openPostgresStore } = await import("./postgres/open");
  return openPostgresStore(o.url, { relayId: o.relayId, log: o.log });
}
