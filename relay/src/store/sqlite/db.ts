// Opens the relay's SQLite file and brings its schema up to date. WAL + synchronous=NORMAL: a
// committed press survives a relay crash; only an OS crash can lose the last moment's writes.
import Database from "better-sqlite3";
import { Worker } from "node:worker_threads";
import type { Logger } from "../../log";
import { markDataDir, prepareDataDir } from "./data-dir";
import { copyBeforeUpgrade, migrate, readSchemaVersion, SCHEMA_VERSION } from "./upgrade";

export type Db = Database.Database;

export { DB_FILE } from "./data-dir";

/**
 * `log`: where to say that a new, empty database was created or an older one copied aside and
 * upgraded (the relay passes its logger; without one, the CLI, the upgrade is told on stderr).
 */
export function openDb(dataDir: string, log?: Logger): Db {
  const { file, created } = prepareDataDir(dataDir);
  // Looked at before anything writes to the file: a newer relay's database is refused untouched.
  const found = created ? 0 : readSchemaVersion(file);
  if (found > 0 && found < SCHEMA_VERSION) {
    const copy = copyBeforeUpgrade(dataDir, file, found);
    const fields = { file, from: found, to: SCHEMA_VERSION, copy };
    if (log) log.warn("upgrading the database; a copy of it as it was is kept", fields);
    else process.stderr.write(`bttn-relay: upgrading ${file} from schema version ${found} to ${SCHEMA_VERSION}; a copy of it as it was: ${copy}\n`);
  }
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  // Hot pages in memory instead of a read syscall each (a syscall costs tens of µs on small VMs).
  // The press path touches few pages (the ends of the events and runs tables, one index leaf per
  // bttn), so 4 MiB holds them; a larger cache only grows the relay's RSS as the file grows.
  // No mmap: mapped pages of a growing database would count against the relay's RSS.
  db.pragma("cache_size = -4096");
  migrate(db);
  markDataDir(dataDir);
  if (created) log?.warn("no database in the data directory: created a new, empty one", { file });
  return db;
}

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the event loop: the relay's connection stops checkpointing and a worker
 * thread does it every `intervalMs`. Only for the long-running relay; CLI commands keep SQLite's
 * automatic checkpoints. Should the thread ever fail, the relay's connection takes checkpoints back
 * (the WAL must not grow without bound) and `onFailure` says why.
 */
export function startCheckpointer(db: Db, intervalMs = 1000, onFailure?: (err: Error) => void): Checkpointer {
  db.pragma("wal_autocheckpoint = 0");
  const worker = new Worker(new URL("./checkpointer.js", import.meta.url), {
    workerData: { file: db.name, intervalMs },
    // It allocates next to nothing; small limits keep its V8 heap from reserving more (~4 MB of RSS).
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8, stackSizeMb: 1 },
  });
  worker.unref();
  let failed = false;
  const takeBack = () => {
    if (db.open) db.pragma("wal_autocheckpoint = 1000");
  };
  worker.on("error", (err) => {
    failed = true;
    takeBack();
    onFailure?.(err);
  });
  return {
    stop: () =>
      new Promise<void>((res) => {
        const done = () => {
          takeBack();
          res();
        };
        if (failed) return done();
        worker.once("message", () => void worker.terminate().then(done, done));
        worker.once("error", done);
        worker.postMessage("stop");
      }),
  };
}

/** Changes whenever another connection (the CLI, another process) commits to the file. */
export function dataVersion(db: Db): number {
  return db.pragma("data_version", { simple: true }) as number;
}
