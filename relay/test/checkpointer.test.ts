// The WAL checkpointer thread: it copies committed pages into the database file while the relay's
// own connection never checkpoints, and it stops cleanly.
import { test } from "uvu";
import * as assert from "uvu/assert";
import Database from "better-sqlite3";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { openDb, startCheckpointer } from "../src/store/sqlite/db";
import { tempDir, sleep } from "../../test/support/temp";

test("commits reach the database file without the relay's connection checkpointing", async () => {
  const dir = tempDir("ckpt");
  const db = openDb(dir.path);
  const cp = startCheckpointer(db, 30);
  try {
    db.exec("CREATE TABLE t (n INTEGER)");
    const ins = db.prepare("INSERT INTO t (n) VALUES (?)");
    db.transaction(() => {
      for (let i = 0; i < 500; i++) ins.run(i);
    })();
    assert.is(db.pragma("wal_autocheckpoint", { simple: true }), 0, "the relay's connection leaves checkpoints to the thread");
    // The database file alone (no WAL beside it) holds the rows once a checkpoint has run.
    let rows = 0;
    for (let i = 0; i < 100 && rows !== 500; i++) {
      await sleep(20);
      const copy = join(dir.path, "copy.db");
      copyFileSync(join(dir.path, "bttn.db"), copy);
      const c = new Database(copy, { readonly: true });
      try {
        rows = (c.prepare("SELECT count(*) AS n FROM t").get() as { n: number } | undefined)?.n ?? 0;
      } catch {
        rows = 0; // the table is not in the file yet
      }
      c.close();
    }
    assert.is(rows, 500);
  } finally {
    await cp.stop();
    db.close();
    dir.remove();
  }
});

test("stop() ends the thread and gives checkpoints back to SQLite", async () => {
  const dir = tempDir("ckpt");
  const db = openDb(dir.path);
  const threads = () => readdirSync("/proc/self/task").length;
  const before = threads();
  const cp = startCheckpointer(db, 1000);
  for (let i = 0; i < 100 && threads() === before; i++) await sleep(20);
  assert.ok(threads() > before, "a thread was started");
  await cp.stop();
  for (let i = 0; i < 100 && threads() > before; i++) await sleep(20);
  assert.is(threads(), before, "and it is gone");
  assert.is(db.pragma("wal_autocheckpoint", { simple: true }), 1000);
  db.close();
  dir.remove();
});

test("a checkpoint thread that fails hands checkpoints back to the relay's connection and says why", async () => {
  const dir = tempDir("ckpt");
  const db = openDb(dir.path);
  // The open connection keeps its file; the path the thread would open is now a directory.
  rmSync(join(dir.path, "bttn.db"));
  mkdirSync(join(dir.path, "bttn.db"));
  let failure: Error | undefined;
  const cp = startCheckpointer(db, 30, (err: Error) => (failure = err));
  for (let i = 0; i < 200 && !failure; i++) await sleep(10);
  assert.ok(failure, "the failure was reported");
  assert.is(db.pragma("wal_autocheckpoint", { simple: true }), 1000, "SQLite checkpoints again");
  await cp.stop(); // resolves at once, nothing left to stop
  db.close();
  dir.remove();
});

test.run();
