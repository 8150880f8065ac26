// Upgrades keep data. A database written by an older relay (made here the way it was: only the
// first migrations, then rows as that relay wrote them) is copied aside and migrated by the relay
// (a real child process), and the bttn in it still logs in, presses and counts on. A database of a
// newer relay, or a file that is no database, is refused with one line and left byte for byte as
// it was.
import { test } from "uvu";
import * as assert from "uvu/assert";
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS } from "../relay/src/store/sqlite/migrations";
import { BEFORE_UPGRADE_DIR, SCHEMA_VERSION } from "../relay/src/store/sqlite/upgrade";
import { hashSecret } from "../relay/src/store/secrets";
import { openDb } from "../relay/src/store/sqlite/db";
import { runCli, startCli } from "./support/cli";
import { freePort } from "./support/daemon";
import { connectDevice } from "./support/device";
import { startSink, WebhookSink } from "./support/webhook-sink";
import { tempDir } from "./support/temp";

const OLD_VERSION = 3;
const SECRET = "old-kitchen-secret";

/** A data directory as a relay at schema version 3 left it: one bttn with an action, two presses, a key. */
function makeOldDataDir(dataDir: string, sink: WebhookSink): void {
  mkdirSync(dataDir, { mode: 0o700 });
  const db = new Database(join(dataDir, "bttn.db"));
  db.pragma("journal_mode = WAL");
  for (const m of MIGRATIONS.slice(0, OLD_VERSION)) db.exec(m);
  db.pragma("user_version = " + OLD_VERSION);
  const { salt, hash } = hashSecret(SECRET);
  // The action as that relay stored it: the fields it knew (no idempotencyKey, no dynamicOrigins).
  const action = { http: { method: "POST", url: sink.url("/old"), format: "json", args: { n: "<COUNTER>" }, headers: {}, timeout: 10000, maxResponseBytes: 65536, followRedirects: false, insecure: false, async: false, callbackTimeout: 60000 } };
  const t = Date.UTC(2026, 0, 5);
  db.prepare("INSERT INTO bttns (id, origin, secret_salt, secret_hash, props, actions, device, created_at, updated_at) VALUES ('kitchen', 'cli', ?, ?, ?, ?, '{}', ?, ?)").run(salt, hash, JSON.stringify({ name: "Kitchen" }), JSON.stringify({ pressed: action }), t, t);
  const ev = db.prepare("INSERT INTO events (bttn, boot, seq, type, age, received_at, pressed_at, counter, state, code, finished_at) VALUES ('kitchen', 'aa11bb22', ?, 'pressed', 0, ?, ?, ?, 'ok', 200, ?)");
  for (const seq of [1, 2]) {
    const id = ev.run(seq, t + seq, t + seq, seq, t + seq).lastInsertRowid;
    db.prepare("INSERT INTO runs (event_id, bttn, method, url, status, duration_ms, started_at) VALUES (?, 'kitchen', 'POST', ?, 200, 12, ?)").run(id, sink.url("/old"), t + seq);
  }
  db.prepare("INSERT INTO counters (bttn, type, count) VALUES ('kitchen', 'pressed', 2), ('kitchen', 'total', 2)").run();
  const key = hashSecret("old-api-key");
  db.prepare("INSERT INTO api_keys (id, name, kind, salt, hash, bttns, created_at) VALUES ('k1', 'ha', 'key', ?, ?, '[\"kitchen\"]', ?)").run(key.salt, key.hash, t);
  db.close();
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const count = (db: Database.Database, sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;

async function relayEnv(dir: string) {
  return { BTTN_MQTT_PORT: String(await freePort()), BTTN_HTTP_PORT: String(await freePort()), BTTN_HOST: "127.0.0.1", BTTN_DATA: join(dir, "data"), BTTN_LOG_LEVEL: "info" };
}

test("a database of an older version: copied aside, migrated, and its bttn presses and counts on", async () => {
  const dir = tempDir("upgrade");
  const sink = await startSink();
  const dataDir = join(dir.path, "data");
  try {
    makeOldDataDir(dataDir, sink);
    const env = await relayEnv(dir.path);
    const relay = startCli(["run"], { cwd: dir.path, env });
    await relay.waitFor(/relay started/, 30_000);
    const line = relay.output().split("\n").find((l) => l.includes("upgrading the database")) ?? "";
    assert.match(line, / warn .*from=3 to=/, "the log says that it upgrades, from which version");
    const copy = /copy=(\S+)/.exec(line)?.[1] ?? "";
    assert.ok(copy.startsWith(join(dataDir, BEFORE_UPGRADE_DIR) + "/"), "the copy is in data/before-upgrade: " + copy);
    assert.is(statSync(copy).mode & 0o777, 0o600, "the copy is private (it holds secrets)");
    const old = new Database(copy, { readonly: true });
    assert.is(old.pragma("user_version", { simple: true }), OLD_VERSION, "the copy is the database as it was");
    assert.is(count(old, "SELECT count(*) FROM events"), 2);
    assert.is(count(old, "SELECT count(*) FROM bttns WHERE id = 'kitchen'"), 1);
    old.close();

    // The old bttn logs in with its old secret; its action fires and its counter goes on from 2.
    const device = await connectDevice({ port: Number(env.BTTN_MQTT_PORT), id: "kitchen", secret: SECRET });
    const seq = await device.press("pressed");
    const result = await device.result(seq, ["ok", "fail"], 10_000);
    assert.is(result.state, "ok");
    assert.equal(JSON.parse(sink.received[0].body), { n: "3" });
    await device.close();
    assert.is(await relay.stop(), 0, "exit code; log:\n" + relay.output());

    const db = new Database(join(dataDir, "bttn.db"), { readonly: true });
    assert.is(db.pragma("user_version", { simple: true }), SCHEMA_VERSION, "migrated to this version");
    assert.is(count(db, "SELECT count(*) FROM events WHERE bttn = 'kitchen'"), 3, "old events kept, the new one added");
    assert.is(count(db, "SELECT count(*) FROM runs"), 3);
    assert.is(count(db, "SELECT count FROM counters WHERE bttn = 'kitchen' AND type = 'total'"), 3);
    assert.is(count(db, "SELECT count(*) FROM api_keys WHERE id = 'k1' AND revoked_at IS NULL"), 1, "the API key is kept");
    assert.is(count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'not_pressed_checks'"), 1, "the later migrations ran");
    db.close();

    // Started again: nothing more to upgrade, no second copy.
    const again = startCli(["run"], { cwd: dir.path, env });
    await again.waitFor(/relay started/, 30_000);
    assert.is(await again.stop(), 0, "exit code; log:\n" + again.output());
    assert.not.match(again.output(), /upgrading/);
    assert.is(readdirSync(join(dataDir, BEFORE_UPGRADE_DIR)).length, 1);
  } finally {
    await sink.close();
    dir.remove();
  }
});

test("a CLI command on an older database upgrades it too, and says where the copy is", async () => {
  const dir = tempDir("upgrade-cli");
  const sink = await startSink();
  try {
    const dataDir = join(dir.path, "data");
    makeOldDataDir(dataDir, sink);
    const r = await runCli(["bttn", "list", "--data", dataDir]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /^kitchen\tcli\tKitchen\tpressed$/m);
    assert.match(r.stderr, new RegExp(`upgrading .*bttn\\.db from schema version 3 to ${SCHEMA_VERSION}; a copy of it as it was: .*${BEFORE_UPGRADE_DIR}/bttn-v3-\\d{8}T\\d{6}Z\\.db`));
  } finally {
    await sink.close();
    dir.remove();
  }
});

/** Runs the relay and a CLI command on `dataDir` and checks that both refuse with one line and change nothing. */
async function assertRefusedUntouched(dir: string, dataDir: string, message: RegExp): Promise<void> {
  const file = join(dataDir, "bttn.db");
  const before = { hash: sha256(file), mtime: statSync(file).mtimeMs, files: readdirSync(dataDir).sort() };
  for (const args of [["run"], ["bttn", "list"], ["backup", join(dir, "copy.db")]]) {
    const r = await runCli(args, { cwd: dir, env: await relayEnv(dir), timeoutMs: 30_000 });
    assert.is.not(r.code, 0, args.join(" ") + " must fail");
    const lines = r.stderr.trim().split("\n");
    assert.is(lines.length, 1, args.join(" ") + ": one line, no stack trace:\n" + r.stderr);
    assert.match(lines[0], message);
    assert.not.match(r.stderr, /\n\s+at /);
  }
  assert.is(sha256(file), before.hash, "the database's bytes are unchanged");
  assert.is(statSync(file).mtimeMs, before.mtime);
  assert.equal(readdirSync(dataDir).sort(), before.files, "nothing was added to the data directory (no copy, no WAL left)");
  assert.not.ok(existsSync(join(dir, "copy.db")), "no backup file was left behind");
}

test("a database of a newer version is refused with one line and not changed", async () => {
  const dir = tempDir("downgrade");
  try {
    const dataDir = join(dir.path, "data");
    const db = openDb(dataDir);
    db.prepare("INSERT INTO counters (bttn, type, count) VALUES ('x', 'total', 7)").run();
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`); // as a later relay with one more migration leaves it
    db.close();
    const message = new RegExp(`^bttn-relay: .*bttn\\.db was written by a newer bttn-relay \\(schema version ${SCHEMA_VERSION + 1}; this one knows up to ${SCHEMA_VERSION}\\) and was not changed: run that newer version, or restore a backup made with this one$`);
    await assertRefusedUntouched(dir.path, dataDir, message);
  } finally {
    dir.remove();
  }
});

test("a file that is no SQLite database is refused with one line and not changed", async () => {
  const dir = tempDir("notadb");
  try {
    const dataDir = join(dir.path, "data");
    mkdirSync(dataDir, { mode: 0o700 });
    writeFileSync(join(dataDir, "bttn.db"), "this is a text file that someone copied over the database, long enough to have a header\n".repeat(20), { mode: 0o600 });
    await assertRefusedUntouched(dir.path, dataDir, /^bttn-relay: .*bttn\.db is not a readable SQLite database \(SQLITE_NOTADB\) and was not changed: restore it from a backup$/);
  } finally {
    dir.remove();
  }
});

test.run();
