// The store when SQLite fails: another process holds the write lock, a statement fails, the disk is
// full. Writes are isolated per job, retried on a timer, never thrown from it; a press that cannot
// be committed is refused at once; counters only move with a commit.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import type { DeviceEvent } from "@bttn/shared";
import type { Db } from "../src/store/sqlite/db";
import { openSqliteStore } from "../src/store/sqlite/open";
import { StoreUnavailableError } from "../src/store/trouble";
import { createLogger } from "../src/log";
import { tempDir, sleep, waitFor } from "../../test/support/temp";
import { holdWriteLock } from "../../test/support/sqlite-lock";

async function setup() {
  const dir = tempDir("store-fail");
  const logs: string[] = [];
  const log = createLogger("debug", (l) => logs.push(l));
  const store = await openSqliteStore(dir.path, { log });
  const { db, commit, events, status } = store;
  return {
    dir,
    db,
    logs,
    commit,
    events,
    status,
    file: join(dir.path, "bttn.db"),
    async close() {
      await store.close();
      dir.remove();
    },
  };
}

const press = (seq: number, boot = "abcd1234"): DeviceEvent => ({ v: 1, boot, seq, type: "pressed", age: 0 });
const dbCount = (db: Db) => (db.prepare("SELECT count FROM counters WHERE bttn = 'b1' AND type = 'total'").get() as { count: number } | undefined)?.count ?? 0;

/** The longest the event loop went without running a 10 ms timer, while `during` runs. */
async function maxLoopGap(during: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let max = 0;
  const t = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 10);
  try {
    await during();
  } finally {
    clearInterval(t);
  }
  return Math.max(max, performance.now() - last);
}

test("background writes under another process's write lock are kept and retried, never thrown from the timer", async () => {
  const s = await setup();
  let thrown: unknown;
  const onUncaught = (e: unknown) => (thrown = e);
  process.on("uncaughtException", onUncaught);
  const lock = await holdWriteLock(s.file);
  try {
    const gap = await maxLoopGap(async () => {
      s.status.setOnline("b1", true, "0.1.0", Date.now()); // a write nobody waits for: the lazy timer commits it
      await waitFor(() => s.commit.trouble, 8000, "the store to report trouble");
    });
    assert.ok(gap < 1500, "the event loop never waited long on the lock: longest gap " + Math.round(gap) + " ms");
    assert.is(thrown, undefined, "nothing thrown from a timer");
    assert.match(s.commit.trouble!.error, /SQLITE_BUSY/);
    assert.ok(s.logs.some((l) => / error .*the database refused a write.*SQLITE_BUSY/.test(l)), "the log says why");
    assert.is(s.commit.pendingWrites, 1, "the write is kept");
    await sleep(1500); // a few retries against the lock
    assert.ok(s.commit.trouble!.attempts >= 2, "it was retried: " + s.commit.trouble!.attempts);
    await lock.release();
    await waitFor(() => !s.commit.trouble, 5000, "the store to recover");
    assert.is((await s.status.get("b1")).fw, "0.1.0", "the write landed after the lock went");
    assert.is(s.commit.pendingWrites, 0);
    assert.ok(s.logs.some((l) => /the database takes writes again/.test(l)));
    assert.is(thrown, undefined);
  } finally {
    process.off("uncaughtException", onUncaught);
    await lock.release();
    await s.close();
  }
});

test("a press under the lock is refused at once without freezing the event loop; a redelivery after recovery gets the same answer", async () => {
  const s = await setup();
  const lock = await holdWriteLock(s.file);
  try {
    let err: unknown;
    let refusedInMs = 0;
    const gap = await maxLoopGap(async () => {
      const t0 = performance.now();
      err = await s.events.accept("b1", press(1), Date.now()).then(
        () => undefined,
        (e: unknown) => e,
      );
      refusedInMs = performance.now() - t0;
      // More presses while degraded are refused without waiting on the lock at all.
      for (let i = 2; i <= 4; i++) await s.events.accept("b1", press(i), Date.now()).catch(() => {});
      await sleep(1500); // retries run meanwhile
    });
    assert.instance(err, StoreUnavailableError);
    assert.ok(refusedInMs < 2000, "refused within two seconds, took " + Math.round(refusedInMs) + " ms");
    assert.ok(gap < 1500, "the event loop never stalled for long: longest gap " + Math.round(gap) + " ms");
    assert.is((await s.events.getCounters("b1")).total, 0, "nothing counted");
    await lock.release();
    await waitFor(() => !s.commit.trouble, 5000, "the store to recover");
    // The refused presses are on record as failed: a redelivery is answered, not fired.
    const again = await s.events.accept("b1", press(1), Date.now());
    assert.equal(again.fresh, false);
    if (!again.fresh) {
      assert.is(again.state, "fail");
      assert.is(again.reason, "internal");
    }
    assert.is((await s.events.getCounters("b1")).total, 4, "the refused presses count once recorded");
    assert.is(dbCount(s.db), 4);
    const fresh = await s.events.accept("b1", press(5), Date.now());
    assert.ok(fresh.fresh, "a new press is recorded again");
  } finally {
    await lock.release();
    await s.close();
  }
});

test("a job whose statement fails is undone alone: the press committed with it stands, and counters match the database", async () => {
  const s = await setup();
  try {
    // Same turn of the event loop, so one transaction: a press and a run record for an event that
    // does not exist (a foreign-key violation).
    const accepted = s.events.accept("b1", press(1), Date.now());
    s.events.recordRun({ eventId: 999_999, bttn: "b1", method: "GET", url: "http://127.0.0.1/", durationMs: 1, startedAt: Date.now() });
    const a = await accepted;
    assert.ok(a.fresh, "the press was committed");
    assert.is((await s.events.getCounters("b1")).total, 1);
    assert.is(dbCount(s.db), 1);
    await waitFor(() => s.logs.some((l) => /a background write failed and was dropped.*FOREIGN KEY/.test(l)), 2000, "the dropped write in the log");
    assert.is(s.commit.trouble, undefined, "a statement's own fault is not the store's trouble");
  } finally {
    await s.close();
  }
});

test("a full disk mid-transaction: nothing of it counts, the press is refused, the write is retried once there is room", async () => {
  const s = await setup();
  try {
    const first = await s.events.accept("b1", press(1), Date.now());
    assert.ok(first.fresh);
    const pages = s.db.pragma("page_count", { simple: true }) as number;
    s.db.pragma("max_page_count = " + (pages + 2)); // room for a press, not for a 200 KB run record
    const accepted = s.events.accept("b1", press(2), Date.now());
    s.events.recordRun({ eventId: first.eventId, bttn: "b1", method: "GET", url: "http://127.0.0.1/" + "x".repeat(200_000), durationMs: 1, startedAt: Date.now() });
    const err = await accepted.then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, StoreUnavailableError, "SQLite rolled the whole transaction back, the press with it");
    assert.match(String((err as Error).message), /SQLITE_FULL/);
    assert.is(dbCount(s.db), 1);
    assert.is((await s.events.getCounters("b1")).total, 1, "the counter did not move without a commit");
    assert.ok(s.commit.trouble, "degraded");
    s.db.pragma("max_page_count = 1073741823");
    await waitFor(() => !s.commit.trouble, 5000, "the store to recover");
    assert.is((s.db.prepare("SELECT count(*) AS n FROM runs").get() as { n: number }).n, 1, "the run record landed");
    assert.is((await s.events.getCounters("b1")).total, dbCount(s.db));
  } finally {
    await s.close();
  }
});

test.run();
