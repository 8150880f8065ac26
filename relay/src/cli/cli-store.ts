// Where a CLI command finds the store: the SQLite file in --data, or the PostgreSQL database a group
// of relays shares (--store). A command opens it once, does its work and closes it, so that a
// running relay (which watches the store) is never kept waiting by a command left open.
import { openStore } from "../store/open";
import type { Store } from "../store/store";
import type { RunSettings } from "./options";

export interface StoreAt {
  dataDir: string;
  /** A postgres:// URL; absent: SQLite in `dataDir`. */
  url?: string;
}

/** The store the settings name (--data, --store). */
export function storeAt(s: RunSettings): StoreAt {
  return { dataDir: s.dataDir, url: s.store };
}

/** Opens the store, runs `f` on it and closes it, whether `f` succeeds or not. */
export async function withStore<T>(at: StoreAt, f: (store: Store) => Promise<T> | T): Promise<T> {
  // "cli": what the store marks as this process's in a group (a CLI command takes no presses).
  const store = await openStore({ dataDir: at.dataDir, url: at.url, relayId: "cli" });
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}
