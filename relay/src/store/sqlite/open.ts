// The SQLite store: one relay, one file in its data directory (the default). Its writes share
// transactions (group-commit.ts); WAL checkpoints run on a worker thread while a relay runs.
import type { Logger } from "../../log";
import type { StoreHealth } from "../health";
import type { RelayRepo, Store } from "../store";
import { SqliteBttns } from "./bttns";
import { SqliteCallbacks } from "./callbacks";
import { Checkpointer, Db, openDb, startCheckpointer } from "./db";
import { DataDirWatch, warnIfShared } from "./data-dir";
import { SqliteEvents } from "./events";
import { GroupCommit } from "./group-commit";
import { storeHealth } from "./health";
import { SqliteHooks } from "./hooks";
import { SqliteKeys } from "./keys";
import { SqliteNotPressed } from "./not-pressed";
import { SqliteStatus } from "./status";

export interface SqliteStoreOptions {
  relayId?: string;
  /** Where to say what happens to the file (created, upgraded); without one, stderr (the CLI). */
  log?: Logger;
  /**
   * The long-running relay: checkpoints on a worker thread, a watch on the data directory, and a
   * warning when the directory looks shared. CLI commands open the file briefly and need none of it.
   */
  running?: boolean;
}

/** One relay alone: nobody else's presses to close, nobody to be seen by. */
const ALONE: RelayRepo = {
  beat: async () => undefined,
  dead: async () => [],
  forget: async () => undefined,
};

export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  readonly where: string;
  readonly relayId: string;
  readonly commit: GroupCommit;
  readonly bttns: SqliteBttns;
  readonly events: SqliteEvents;
  readonly status: SqliteStatus;
  readonly keys: SqliteKeys;
  readonly hooks: SqliteHooks;
  readonly callbacks: SqliteCallbacks;
  readonly notPressed: SqliteNotPressed;
  readonly relays = ALONE;
  private checkpointer?: Checkpointer;
  private dirWatch?: DataDirWatch;

  constructor(
    readonly db: Db,
    opts: SqliteStoreOptions,
  ) {
    this.where = db.name;
    this.relayId = opts.relayId ?? "relay";
    this.commit = new GroupCommit(db, opts.log);
    this.bttns = new SqliteBttns(db);
    this.events = new SqliteEvents(db, this.commit);
    this.status = new SqliteStatus(db, this.commit);
    this.keys = new SqliteKeys(db);
    this.hooks = new SqliteHooks(db);
    this.callbacks = new SqliteCallbacks(db, this.commit);
    this.notPressed = new SqliteNotPressed(db, this.commit);
  }

  /** @internal openSqliteStore's second half: the parts a running relay needs. */
  startRunning(dataDir: string, log: Logger): void {
    warnIfShared(dataDir, log);
    this.checkpointer = startCheckpointer(this.db, undefined, (err) =>
      log.error("the WAL checkpoint thread failed; the relay's own connection checkpoints instead", { error: err }),
    );
    this.dirWatch = new DataDirWatch(dataDir, log);
  }

  onCommitted(listener: (ms: number, writes: number) => void): void {
    this.commit.onCommitted(listener);
  }

  health(): StoreHealth {
    return storeHealth(this.commit, this.dirWatch);
  }

  async close(): Promise<void> {
    this.dirWatch?.stop();
    this.commit.close();
    await this.checkpointer?.stop();
    this.db.close();
  }
}

export async function openSqliteStore(dataDir: string, opts: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const db = openDb(dataDir, opts.log);
  try {
    const store = new SqliteStore(db, opts);
    if (opts.running && opts.log) store.startRunning(dataDir, opts.log);
    await store.bttns.load();
    return store;
  } catch (e) {
    db.close();
    throw e;
  }
}
