// The async wait as the press path sees it (callbacks/manager.ts): a promise of the verdict and a
// hook that tells the bttn how long it waits, over the real SQLite callback store.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CallbackManager, WaitEnd } from "../src/callbacks/manager";
import { createLogger } from "../src/log";
import { openSqliteStore } from "../src/store/sqlite/open";
import { sleep, tempDir } from "../../test/support/temp";

async function setup() {
  const dir = tempDir("callback-wait");
  const log = createLogger("silent");
  const sqlite = await openSqliteStore(dir.path, { log });
  const db = sqlite.db;
  // The callbacks table refers to events: one event to wait for.
  db.prepare("INSERT INTO events (id, bttn, boot, seq, type, age, received_at, pressed_at, counter, state) VALUES (1, 'porch', 'ab12cd34', 5, 'pressed', 0, 0, 0, 1, 'running')").run();
  const store = sqlite.callbacks;
  const manager = (): CallbackManager => new CallbackManager(store, () => "http://127.0.0.1:9/", log);
  const rows = async () => {
    sqlite.commit.flush();
    return store.all();
  };
  return { store, manager, rows, close: async () => (await sqlite.close(), dir.remove()) };
}

const ident = { boot: "ab12cd34", seq: 5 };
const tokenOf = (url: string) => url.slice(url.lastIndexOf("/") + 1);
/** What a promise has settled to so far ("open" when it has not). */
async function stateOf(p: Promise<WaitEnd>): Promise<WaitEnd | "open"> {
  return Promise.race([p, sleep(20).then(() => "open" as const)]);
}

test("a verdict after the first request resolves the wait; the hook told the bttn first; the token is then used up", async () => {
  const s = await setup();
  try {
    const m = s.manager();
    const told: number[] = [];
    const w = await m.open(1, "porch", ident, 30_000, (ms) => told.push(ms));
    assert.match(w.url, /^http:\/\/127\.0\.0\.1:9\/callback\/[A-Za-z0-9_-]{32}$/);
    assert.is((await s.rows()).length, 1, "stored before the URL is handed out");
    w.firstRequestDone(true);
    assert.is(told.length, 1);
    assert.ok(told[0] > 29_000 && told[0] <= 30_000, String(told[0]));
    assert.is(await stateOf(w.verdict), "open");
    assert.is(await m.receive(tokenOf(w.url), "wait"), "accepted");
    assert.is(told.length, 2, "a Wait is told to the bttn again");
    assert.is(await m.receive(tokenOf(w.url), "ok"), "accepted");
    assert.is(await w.verdict, "ok");
    assert.is(await m.receive(tokenOf(w.url), "negative"), "unknown");
    assert.is((await s.rows()).length, 0);
  } finally {
    await s.close();
  }
});

test("a verdict that comes before the first request's answer decides the press once that answer is in", async () => {
  const s = await setup();
  try {
    const m = s.manager();
    const told: number[] = [];
    const w = await m.open(1, "porch", ident, 30_000, (ms) => told.push(ms));
    assert.is(await m.receive(tokenOf(w.url), "negative"), "accepted");
    assert.is(await stateOf(w.verdict), "open", "not before the request is done");
    w.firstRequestDone(true);
    assert.is(await w.verdict, "negative");
    assert.equal(told, [], "never told to wait");
  } finally {
    await s.close();
  }
});

test("a failed first request voids the callback; the deadline ends a wait with timeout", async () => {
  const s = await setup();
  try {
    const m = s.manager();
    const failed = await m.open(1, "porch", ident, 30_000, () => {});
    failed.firstRequestDone(false);
    assert.is(await failed.verdict, "closed");
    assert.is(await m.receive(tokenOf(failed.url), "ok"), "unknown");
    const late = await m.open(1, "porch", ident, 1000, () => {});
    late.firstRequestDone(true);
    assert.is(await stateOf(late.verdict), "open");
    assert.is(await late.verdict, "timeout");
    assert.is((await s.rows()).length, 0);
  } finally {
    await s.close();
  }
});

test("closing ends open waits as closed and keeps their rows; a new manager restores them and their verdicts still come", async () => {
  const s = await setup();
  try {
    const first = s.manager();
    const w = await first.open(1, "porch", ident, 30_000, () => {});
    w.firstRequestDone(true);
    first.close();
    assert.is(await w.verdict, "closed");
    assert.is((await s.rows()).length, 1);

    const second = s.manager();
    const told: string[] = [];
    const restored = await second.restore(
      async (eventId) => (eventId === 1 ? "waiting" : undefined),
      () => 30_000,
      (row) => (ms) => told.push(row.bttn + " " + (ms > 29_000)),
    );
    assert.equal(restored.map((r) => [r.row.bttn, r.row.boot, r.row.seq]), [["porch", "ab12cd34", 5]]);
    assert.is(await second.receive(tokenOf(w.url), "wait"), "accepted");
    assert.equal(told, ["porch true"]);
    assert.is(await second.receive(tokenOf(w.url), "ok"), "accepted");
    assert.is(await restored[0].verdict, "ok");
  } finally {
    await s.close();
  }
});

test.run();
