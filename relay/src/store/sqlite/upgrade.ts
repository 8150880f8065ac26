// Upgrades keep data: before the relay changes a database it looks at the schema version the file
// was written with (SQLite's user_version, one per entry of MIGRATIONS). An older file is copied
// aside and then migrated; a file of a newer relay is refused untouched, since this relay would not
// know its tables and a migration could only damage them.
import Database from "better-sqlite3";
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../config/file";
import { MIGRATIONS } from "./migrations";

/** The schema version this relay writes: the number of migrations it knows. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Where the copies made before an upgrade go, inside the data directory. */
export const BEFORE_UPGRADE_DIR = "before-upgrade";

/** The database cannot be opened by this relay as it is; the message says why and what to do. */
export class DatabaseVersionError extends ConfigError {}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

/**
 * The schema version of an existing database, found without writing anything, so a file this
 * relay refuses is left exactly as it was. Throws DatabaseVersionError for a file of a newer relay
 * and for a file that is not an SQLite database at all.
 */
export function readSchemaVersion(file: string): number {
  const version = versionOf(file);
  if (version > SCHEMA_VERSION)
    throw new DatabaseVersionError(
      `${file} was written by a newer bttn-relay (schema version ${version}; this one knows up to ${SCHEMA_VERSION}) and was not changed: ` +
        `run that newer version, or restore a backup made with this one`,
    );
  return version;
}

function versionOf(file: string): number {
  // With no WAL beside it, the file's header is the truth: user_version is the big-endian 32-bit
  // number at offset 60. Reading it spares a connection, which would leave -wal and -shm files.
  const header = Buffer.alloc(100);
  const fd = openSync(file, "r");
  let n: number;
  try {
    n = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (n === 0) return 0; // an empty file is an empty database to SQLite
  if (n < 100 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) throw notADatabase(file, "SQLITE_NOTADB");
  const wal = file + "-wal";
  if (!existsSync(wal) || statSync(wal).size === 0) return header.readUInt32BE(60);
  // Committed changes may still sit in the WAL (a relay that crashed): ask SQLite, read-only.
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma("user_version", { simple: true }) as number;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") throw notADatabase(file, code);
    throw e;
  } finally {
    db.close();
  }
}

const notADatabase = (file: string, code: string) => new DatabaseVersionError(`${file} is not a readable SQLite database (${code}) and was not changed: restore it from a backup`);

/**
 * Copies an existing database aside before it is migrated from `version`, and returns the copy's
 * path: `<data>/before-upgrade/bttn-v<version>-<time>.db`, private to the relay's user like the
 * database. The copy is one consistent snapshot (VACUUM INTO, on a read-only connection: the
 * committed content of the file and its WAL). A copy that cannot be made stops the upgrade.
 */
export function copyBeforeUpgrade(dataDir: string, file: string, version: number, now = new Date()): string {
  const dir = join(dataDir, BEFORE_UPGRADE_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  let copy = join(dir, `bttn-v${version}-${stamp}.db`);
  for (let n = 2; ; n++) {
    try {
      // VACUUM INTO wants a new or empty file; making it here gives it mode 0600 (it holds secrets).
      closeSync(openSync(copy, "wx", 0o600));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || n > 100) throw e;
      copy = join(dir, `bttn-v${version}-${stamp}-${n}.db`);
    }
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.prepare("VACUUM INTO ?").run(copy);
  } catch (e) {
    rmSync(copy, { force: true });
    throw new DatabaseVersionError(`${file} needs an upgrade from schema version ${version}, but the copy before it could not be made (${(e as Error).message}); the database was not changed`);
  } finally {
    db.close();
  }
  return copy;
}

/**
 * Applies the migrations the database lacks, each in its own transaction with its version. The
 * version is read again here: another process (a CLI command) may have migrated in between.
 */
export function migrate(db: Database.Database): void {
  const from = db.pragma("user_version", { simple: true }) as number;
  if (from > SCHEMA_VERSION) throw new DatabaseVersionError(`${db.name} was upgraded by a newer bttn-relay while this one opened it (schema version ${from}; this one knows up to ${SCHEMA_VERSION})`);
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma("user_version = " + (v + 1));
    })();
  }
}
