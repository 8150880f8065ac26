// `bttn-relay backup FILE` while the relay (a real child process) runs and a bttn keeps pressing:
// every copy is a consistent database (integrity, foreign keys, each press counted once), and
// restoring one the way the README says brings the bttn back with its history and counter.
import { test } from "uvu";
import * as assert from "uvu/assert";
import Database from "better-sqlite3";
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SCHEMA_VERSION } from "../relay/src/store/sqlite/upgrade";
import { runCli, startCli } from "./support/cli";
import { freePort } from "./support/daemon";
import { connectDevice, TestDevice } from "./support/device";
import { startSink } from "./support/webhook-sink";
import { sleep, tempDir, waitFor } from "./support/temp";

const SECRET = "backup-secret-1";
const COPIES = 3;

interface Copy {
  events: number;
  counted: number;
}

/** Checks one backup file and returns how many presses it holds. */
function checkCopy(file: string): Copy {
  assert.is(statSync(file).mode & 0o777, 0o600, file + " is private (it holds secrets)");
  const db = new Database(file, { readonly: true });
  try {
    assert.is(db.pragma("integrity_check", { simple: true }), "ok");
    assert.equal(db.pragma("foreign_key_check"), [], "every run belongs to an event");
    assert.is(db.pragma("user_version", { simple: true }), SCHEMA_VERSION);
    const events = db.prepare("SELECT count(*) FROM events WHERE bttn = 'bk' AND type = 'pressed'").pluck().get() as number;
    const counted = (db.prepare("SELECT count FROM counters WHERE bttn = 'bk' AND type = 'pressed'").pluck().get() as number | undefined) ?? 0;
    // The counter moves in the transaction that records the press: a copy made between the two
    // (or with pages of different moments) would disagree.
    assert.is(counted, events, "counter and events agree in " + file);
    assert.is(db.prepare("SELECT count(*) FROM bttns WHERE id = 'bk'").pluck().get(), 1);
    return { events, counted };
  } finally {
    db.close();
  }
}

test("backup while the relay runs and writes: consistent copies; one restored as the README says", async () => {
  const dir = tempDir("backup");
  const sink = await startSink();
  const dataDir = join(dir.path, "data");
  const configFile = join(dir.path, "bttn-relay.json");
  writeFileSync(configFile, JSON.stringify({ relay: { rateLimit: "off" }, bttns: { bk: { secret: SECRET, actions: { pressed: { http: { method: "POST", url: sink.url("/bk"), format: "json", args: { n: "<COUNTER>" } } } } } } }));
  const env = { BTTN_MQTT_PORT: String(await freePort()), BTTN_HTTP_PORT: String(await freePort()), BTTN_HOST: "127.0.0.1", BTTN_DATA: dataDir, BTTN_CONFIG: configFile, BTTN_LOG_LEVEL: "info" };
  let relay = startCli(["run"], { cwd: dir.path, env });
  let device: TestDevice | undefined;
  let pressing = false;
  let presser: Promise<void> = Promise.resolve();
  try {
    await relay.waitFor(/relay started/, 30_000);
    device = await connectDevice({ port: Number(env.BTTN_MQTT_PORT), id: "bk", secret: SECRET });
    const d = device;
    pressing = true;
    presser = (async () => {
      for (let i = 0; pressing && i < 5000; i++) {
        await d.press("pressed");
        await sleep(4);
      }
    })();
    await waitFor(() => sink.received.length >= 20, 10_000, "the first presses fired");

    const copies: Copy[] = [];
    for (let i = 0; i < COPIES; i++) {
      const file = join(dir.path, `copy-${i}.db`);
      const before = sink.received.length;
      const r = await runCli(["backup", file, "--data", dataDir], { timeoutMs: 30_000 });
      assert.is(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`^backed up to .*copy-${i}\\.db \\(\\d+ bytes, schema version ${SCHEMA_VERSION}\\); it holds secrets, keep it private\\n$`));
      copies.push(checkCopy(file));
      assert.ok(sink.received.length > before, "the relay kept firing presses during the backup");
    }
    assert.ok(copies[COPIES - 1].events > copies[0].events, "the copies were made while presses were written: " + copies.map((c) => c.events).join(", "));

    // An existing file is never overwritten.
    const taken = join(dir.path, "copy-0.db");
    const takenBytes = readFileSync(taken);
    const again = await runCli(["backup", taken, "--data", dataDir]);
    assert.is.not(again.code, 0);
    assert.is(again.stderr, `bttn-relay: ${taken} exists already: the backup does not overwrite files; give a new name\n`);
    assert.ok(readFileSync(taken).equals(takenBytes));
    // A data directory without a database: nothing to copy, and no file is made.
    const nowhere = await runCli(["backup", join(dir.path, "nothing.db"), "--data", join(dir.path, "no-such-dir")]);
    assert.is.not(nowhere.code, 0);
    assert.match(nowhere.stderr, /^bttn-relay: .*no-such-dir\/bttn\.db does not exist: nothing to back up \(is --data right\?\)\n$/);
    assert.not.ok(existsSync(join(dir.path, "nothing.db")));
    assert.not.ok(existsSync(join(dir.path, "no-such-dir")), "the backup made no data directory");

    pressing = false;
    await presser;
    await device.close();
    device = undefined;
    assert.is(await relay.stop(), 0);
    const live = checkCopy(join(dataDir, "bttn.db"));
    assert.ok(live.events > copies[0].events);

    // Restore copy 0, as the README says: stop the relay, put the copy in place of bttn.db, remove
    // the old -wal and -shm files, start it.
    copyFileSync(join(dir.path, "copy-0.db"), join(dataDir, "bttn.db"));
    rmSync(join(dataDir, "bttn.db-wal"), { force: true });
    rmSync(join(dataDir, "bttn.db-shm"), { force: true });
    relay = startCli(["run"], { cwd: dir.path, env });
    await relay.waitFor(/relay started/, 30_000);
    assert.not.match(relay.output(), /ADMIN TOKEN/, "the restored database keeps its admin token");
    device = await connectDevice({ port: Number(env.BTTN_MQTT_PORT), id: "bk", secret: SECRET });
    const seq = await device.press("pressed");
    assert.is((await device.result(seq, ["ok", "fail"], 10_000)).state, "ok");
    const last = sink.received[sink.received.length - 1];
    assert.equal(JSON.parse(last.body), { n: String(copies[0].counted + 1) }, "the counter goes on from the copy's");
  } finally {
    pressing = false;
    await presser.catch(() => {});
    await device?.close();
    await relay.stop();
    await sink.close();
    dir.remove();
  }
});

test.run();
