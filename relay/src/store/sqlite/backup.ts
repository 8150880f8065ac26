// `bttn-relay backup FILE`: a consistent copy of the database while the relay runs and writes,
// through SQLite's online backup API (better-sqlite3's db.backup()). Copying bttn.db with cp would
// miss what sits in its WAL and could catch a page half-written.
import Database from "better-sqlite3";
import { closeSync, openSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../../config/file";
import { DB_FILE } from "./data-dir";
import { readSchemaVersion } from "./upgrade";

/** The most pages better-sqlite3 lets one backup step copy: all of them, for any database. */
const ALL_PAGES = 0x7fffffff;

export interface BackupMade {
  file: string;
  bytes: number;
  schemaVersion: number;
}

/** Copies `<dataDir>/bttn.db` to `dest`, a file that must not exist yet (made 0600: it holds secrets). */
export async function backupDb(dataDir: string, dest: string): Promise<BackupMade> {
  const source = join(dataDir, DB_FILE);
  try {
    statSync(source);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ConfigError(`${source} does not exist: nothing to back up (is --data right?)`);
    throw new ConfigError(`cannot read ${source} (${code}): run the backup as the relay's user or root`);
  }
  if (resolve(dest) === resolve(source)) throw new ConfigError(`${dest} is the database itself: give the backup another name`);
  const schemaVersion = readSchemaVersion(source);
  try {
    closeSync(openSync(dest, "wx", 0o600)); // an empty file is an empty database to SQLite
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new ConfigError(`${dest} exists already: the backup does not overwrite files; give a new name`);
    throw new ConfigError(`${dest}: cannot create it (${code})`);
  }
  // Read-only: the backup never writes to the relay's database. busy_timeout: the relay's commits
  // are short, a read lock waits at most for one.
  const db = new Database(source, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  try {
    // All pages in one step (better-sqlite3's first step copies none, then asks): a backup whose
    // source another connection changed between steps starts over, and the relay commits many
    // times a second under load. One step is one read transaction, which in WAL mode does not
    // hold the relay's writes back.
    await db.backup(dest, { progress: () => ALL_PAGES });
  } catch (e) {
    rmSync(dest, { force: true });
    throw new ConfigError(`the backup to ${dest} failed and was removed: ${(e as Error).message}`);
  } finally {
    db.close();
  }
  return { file: dest, bytes: statSync(dest).size, schemaVersion };
}
