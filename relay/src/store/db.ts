// Opens the relay's SQLite file and brings its schema up to date. WAL + synchronous=NORMAL: a
// committed press survives a relay crash; only an OS crash can lose the last moment's writes.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS } from "./migrations";

export type Db = Database.Database;

export const DB_FILE = "bttn.db";

export function openDb(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DB_FILE));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma("user_version = " + (v + 1));
    })();
  }
}

/** Changes whenever another connection (the CLI, another process) commits to the file. */
export function dataVersion(db: Db): number {
  return db.pragma("data_version", { simple: true }) as number;
}
