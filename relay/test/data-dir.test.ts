// The data directory at rest: private modes, and a lost database is an error, not a fresh start.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openDb } from "../src/store/sqlite/db";
import { DATA_MARKER, DataDirError, DataDirWatch, warnIfShared } from "../src/store/sqlite/data-dir";
import { createLogger } from "../src/log";
import { tempDir } from "../../test/support/temp";

const mode = (p: string) => statSync(p).mode & 0o777;

test("a new data directory is 0700 and the database, its WAL and shared memory are 0600, whatever the umask", () => {
  const parent = tempDir("datadir");
  const old = process.umask(0);
  try {
    const dir = join(parent.path, "data");
    const db = openDb(dir);
    db.exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1)");
    assert.is(mode(dir).toString(8), "700");
    for (const f of ["bttn.db", "bttn.db-wal", "bttn.db-shm", DATA_MARKER]) {
      assert.ok(existsSync(join(dir, f)), f + " exists");
      assert.is(mode(join(dir, f)).toString(8), "600", f);
    }
    db.close();
  } finally {
    process.umask(old);
    parent.remove();
  }
});

test("a data directory that existed before, open to other users, is left as it is and warned about", () => {
  const dir = tempDir("datadir");
  try {
    chmodSync(dir.path, 0o755);
    openDb(dir.path).close();
    assert.is(mode(dir.path).toString(8), "755", "not changed behind the user's back");
    const logs: string[] = [];
    warnIfShared(dir.path, createLogger("info", (l) => logs.push(l)));
    assert.ok(logs.some((l) => / warn .*can be read by other users.*mode=755/.test(l)), logs.join("\n"));
    chmodSync(dir.path, 0o700);
    logs.length = 0;
    warnIfShared(dir.path, createLogger("info", (l) => logs.push(l)));
    assert.is(logs.length, 0);
  } finally {
    dir.remove();
  }
});

test("files an older relay left readable to others are narrowed to 0600", () => {
  const dir = tempDir("datadir");
  try {
    openDb(dir.path).close();
    writeFileSync(join(dir.path, "bttn.db-wal"), "");
    for (const f of ["bttn.db", "bttn.db-wal"]) chmodSync(join(dir.path, f), 0o644);
    openDb(dir.path).close();
    assert.is(mode(join(dir.path, "bttn.db")).toString(8), "600");
  } finally {
    dir.remove();
  }
});

test("a data directory that had a database refuses to start without it, and says how to go on", () => {
  const dir = tempDir("datadir");
  try {
    const logs: string[] = [];
    const log = createLogger("info", (l) => logs.push(l));
    openDb(dir.path, log).close();
    assert.ok(logs.some((l) => /created a new, empty one/.test(l)), "a first start says it created a database");
    for (const f of ["bttn.db", "bttn.db-wal", "bttn.db-shm"]) rmSync(join(dir.path, f), { force: true });
    let err: unknown;
    try {
      openDb(dir.path).close();
    } catch (e) {
      err = e;
    }
    assert.instance(err, DataDirError);
    assert.match(String((err as Error).message), /bttn\.db is missing/);
    assert.match(String((err as Error).message), /Restore bttn\.db from a backup, or delete \.bttn-data/);
    assert.not.ok(existsSync(join(dir.path, "bttn.db")), "no empty database was made");
    rmSync(join(dir.path, DATA_MARKER));
    openDb(dir.path).close(); // the operator chose to start over
  } finally {
    dir.remove();
  }
});

test("the watch reports a database file replaced while open, and when it is back", () => {
  const dir = tempDir("datadir");
  const logs: string[] = [];
  const db = openDb(dir.path);
  const watch = new DataDirWatch(dir.path, createLogger("info", (l) => logs.push(l)), 60_000);
  try {
    assert.is(watch.check(), undefined);
    const file = join(dir.path, "bttn.db");
    renameSync(file, file + ".moved");
    assert.match(watch.check() ?? "", /bttn\.db is gone/);
    copyFileSync(file + ".moved", file);
    assert.match(watch.check() ?? "", /replaced by another file/);
    rmSync(file);
    renameSync(file + ".moved", file);
    assert.is(watch.check(), undefined);
    assert.is(logs.filter((l) => / error .*the data directory is in trouble/.test(l)).length, 2, "each problem logged once");
    assert.ok(logs.some((l) => /the data directory is fine again/.test(l)));
    rmSync(dir.path, { recursive: true });
    assert.match(watch.check() ?? "", /the data directory is gone/);
    mkdirSync(dir.path);
  } finally {
    watch.stop();
    db.close();
    dir.remove();
  }
});

test.run();
