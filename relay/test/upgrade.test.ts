// The schema's upgrade path: a database of every older version migrates to the same schema as a
// new one, and the version check sees a newer version even when it still sits in the WAL (a newer
// relay that crashed) without writing anything.
import { test } from "uvu";
import * as assert from "uvu/assert";
import Database from "better-sqlite3";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "../src/log";
import { openDb } from "../src/store/sqlite/db";
import { MIGRATIONS } from "../src/store/sqlite/migrations";
import { BEFORE_UPGRADE_DIR, DatabaseVersionError, readSchemaVersion, SCHEMA_VERSION } from "../src/store/sqlite/upgrade";
import { tempDir } from "../../test/support/temp";

const schemaOf = (db: Database.Database) => db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").all();

test("every older version migrates to the schema of a new database", () => {
  const dir = tempDir("migrate");
  try {
    const fresh = openDb(join(dir.path, "fresh"));
    const expected = schemaOf(fresh);
    fresh.close();
    for (let v = 1; v < SCHEMA_VERSION; v++) {
      const dataDir = join(dir.path, "v" + v);
      mkdirSync(dataDir);
      const old = new Database(join(dataDir, "bttn.db"));
      for (const m of MIGRATIONS.slice(0, v)) old.exec(m);
      old.pragma("user_version = " + v);
      old.close();
      assert.is(readSchemaVersion(join(dataDir, "bttn.db")), v);
      const db = openDb(dataDir, createLogger("silent"));
      assert.is(db.pragma("user_version", { simple: true }), SCHEMA_VERSION, "from version " + v);
      assert.equal(schemaOf(db), expected, "from version " + v);
      db.close();
      const copies = readdirSync(join(dataDir, BEFORE_UPGRADE_DIR));
      assert.is(copies.length, 1);
      assert.match(copies[0], new RegExp(`^bttn-v${v}-\\d{8}T\\d{6}Z\\.db$`));
    }
    assert.not.ok(existsSync(join(dir.path, "fresh", BEFORE_UPGRADE_DIR)), "a new database is not copied");
  } finally {
    dir.remove();
  }
});

test("a newer version still in the WAL (the newer relay crashed) is seen and refused", () => {
  const dir = tempDir("wal-version");
  try {
    const live = openDb(join(dir.path, "live"));
    live.pragma("wal_autocheckpoint = 0"); // the change stays in the WAL, as after a crash
    live.pragma(`user_version = ${SCHEMA_VERSION + 2}`);
    const crashed = join(dir.path, "crashed");
    mkdirSync(crashed);
    for (const f of ["bttn.db", "bttn.db-wal"]) copyFileSync(join(dir.path, "live", f), join(crashed, f));
    live.close();
    const file = join(crashed, "bttn.db");
    assert.is(new Database(file, { readonly: true, fileMustExist: true }).prepare("SELECT 1").pluck().get(), 1);
    let err: unknown;
    try {
      readSchemaVersion(file);
    } catch (e) {
      err = e;
    }
    assert.instance(err, DatabaseVersionError);
    assert.match((err as Error).message, `schema version ${SCHEMA_VERSION + 2}; this one knows up to ${SCHEMA_VERSION}`);
  } finally {
    dir.remove();
  }
});

test("the README quotes the refusal of a newer database word for word (version numbers aside)", () => {
  const dir = tempDir("readme-version");
  try {
    const db = openDb(join(dir.path, "data"));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let message = "";
    try {
      readSchemaVersion(join(dir.path, "data", "bttn.db"));
    } catch (e) {
      message = (e as Error).message.replace(dir.path + "/", "");
    }
    const digitsAside = (t: string) => t.replace(/\d+/g, "N");
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8").replace(/\s*\n\s*/g, " ");
    assert.ok(digitsAside(readme).includes(digitsAside("`bttn-relay: " + message + "`")), message);
  } finally {
    dir.remove();
  }
});

test.run();
