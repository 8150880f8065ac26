// The data directory holds the relay's only copy of its state: bttns, hashed secrets, API keys,
// webhook credentials in clear. So it is private to the relay's user (0700, files 0600), and a
// database that vanished is an error, not a reason to start again from nothing.
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../config/file";
import type { Logger } from "../../log";

export const DB_FILE = "bttn.db";
/**
 * Written next to the database once it exists. Where it is and the database is not, the database
 * was lost (deleted, moved, a backup restored without it): opening refuses instead of creating an
 * empty one, which would mean a new admin token, no API keys and no history.
 */
export const DATA_MARKER = ".bttn-data";

const MARKER_TEXT = `This directory holds a bttn relay's database (${DB_FILE}).
While this file exists the relay refuses to start without ${DB_FILE}: restore it from a backup,
or delete this file to start over with an empty database.
`;

/** The data directory is unusable as found (a lost database); says what to do. */
export class DataDirError extends ConfigError {}

/**
 * Makes the directory (0700) and, on a first start, an empty database file (0600: SQLite gives its
 * -wal and -shm files the database file's mode). Files of an older relay are narrowed to 0600.
 * Returns the database's path and whether it was just created.
 */
export function prepareDataDir(dataDir: string): { file: string; created: boolean } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, DB_FILE);
  if (existsSync(file)) {
    for (const f of [file, file + "-wal", file + "-shm"]) if (existsSync(f)) chmodSync(f, 0o600);
    return { file, created: false };
  }
  if (existsSync(join(dataDir, DATA_MARKER)))
    throw new DataDirError(
      `${file} is missing, but ${dataDir} held a relay database before (${join(dataDir, DATA_MARKER)} says so). ` +
        `Restore ${DB_FILE} from a backup, or delete ${DATA_MARKER} to start with an empty database (a new admin token, no API keys, no history).`,
    );
  closeSync(openSync(file, "wx", 0o600)); // an empty file is an empty database to SQLite
  return { file, created: true };
}

/** Called once the database is open and migrated: from now on its absence is an error. */
export function markDataDir(dataDir: string): void {
  const marker = join(dataDir, DATA_MARKER);
  if (!existsSync(marker)) writeFileSync(marker, MARKER_TEXT, { mode: 0o600 });
}

/** Warns when the directory is open to other users (one that existed before the relay made it). */
export function warnIfShared(dataDir: string, log: Logger): void {
  const mode = statSync(dataDir).mode & 0o777;
  if (mode & 0o077)
    log.warn("the data directory can be read by other users; it holds webhook credentials in clear (chmod 700 it)", { dir: dataDir, mode: mode.toString(8) });
}

/**
 * Watches, while the relay runs, that its database file is still where it was opened and that the
 * directory is writable. The relay keeps working on the open file either way, but a file that is
 * gone (deleted, moved, replaced) takes everything with it at the next start, and an unwritable
 * directory stops the next start: both must show before then.
 */
export class DataDirWatch {
  private readonly identity: { dev: number; ino: number };
  private timer: NodeJS.Timeout | undefined;
  private reported: string | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly log: Logger,
    intervalMs = 5000,
  ) {
    const s = statSync(join(dataDir, DB_FILE));
    this.identity = { dev: s.dev, ino: s.ino };
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  /** The problem now, if any; logged once when it starts and when it ends. */
  check(): string | undefined {
    const problem = this.find();
    if (problem !== this.reported) {
      if (problem) this.log.error("the data directory is in trouble: " + problem, { dir: this.dataDir });
      else this.log.warn("the data directory is fine again", { dir: this.dataDir });
      this.reported = problem;
    }
    return problem;
  }

  // Names, not paths: /healthz shows this without authentication (the log line carries the path).
  private find(): string | undefined {
    const file = join(this.dataDir, DB_FILE);
    let s;
    try {
      s = statSync(file);
    } catch (e) {
      const what = existsSync(this.dataDir) ? DB_FILE + " is gone" : "the data directory is gone";
      return what + " (deleted or moved: " + (e as NodeJS.ErrnoException).code + "); the relay still works on the open file, but what it holds is lost when the relay stops";
    }
    if (s.dev !== this.identity.dev || s.ino !== this.identity.ino)
      return DB_FILE + " was replaced by another file; the relay still works on the one it opened, which is lost when the relay stops";
    try {
      accessSync(this.dataDir, constants.W_OK | constants.X_OK);
    } catch (e) {
      return "the data directory is not writable (" + (e as NodeJS.ErrnoException).code + "); the next start could not open the database";
    }
    return undefined;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
