// The store's contract (relay/src/store/store.ts), one suite run against each engine: what the
// relay relies on must hold for SQLite (one relay) and PostgreSQL (a group of relays sharing one
// database) alike. "Two stores" are two opens of the same database: for PostgreSQL two pools, as
// two relays of a group; for SQLite two connections to the same file, as the relay and the CLI.
// What only a group has (relays that beat and die, presses taken by several relays at once, the
// database going away and coming back) runs for PostgreSQL only.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { FeedEvent } from "../relay/src/store/events";
import type { Store } from "../relay/src/store/store";
import { openSqliteStore } from "../relay/src/store/sqlite/open";
import { StoreUnavailableError } from "../relay/src/store/trouble";
import { openPostgresStore } from "../relay/src/store/postgres/open";
import { configFileSchema } from "../relay/src/config/schema";
import type { BttnChange } from "../relay/src/store/bttns";
import { hashToken } from "../relay/src/callbacks/token";
import { startPostgres, type Postgres } from "./support/postgres";
import { tempDir, waitFor, sleep } from "./support/temp";

/** One engine: `fresh()` makes an empty database, `open(relayId)` a store on it (call twice: two stores). */
interface Engine {
  name: string;
  /** Several relays share the database (relays, orphans, an outage of the server are tested). */
  group: boolean;
  before(): Promise<void>;
  after(): Promise<void>;
  fresh(): Promise<{ open(relayId: string): Promise<Store>; done(): void }>;
  /** The database away (`down`) and back (`up`); PostgreSQL only. */
  outage?: { down(): Promise<void>; up(): Promise<void> };
}

function postgresEngine(): Engine {
  let server: Postgres | undefined;
  let n = 0;
  return {
    name: "postgres",
    group: true,
    before: async () => {
      server = await startPostgres();
    },
    after: async () => server?.stop(),
    fresh: async () => {
      const url = await server!.createDatabase("contract_" + ++n);
      return { open: (relayId) => openPostgresStore(url, { relayId, poolSize: 4 }), done: () => undefined };
    },
    outage: { down: () => server!.kill(), up: () => server!.restart() },
  };
}

/** The SQLite engine, given its opener (relay/src/store/sqlite/open.ts). */
function sqliteEngine(openSqliteStore: (dataDir: string, opts: { relayId?: string }) => Promise<Store>): Engine {
  return {
    name: "sqlite",
    group: false,
    before: async () => undefined,
    after: async () => undefined,
    fresh: async () => {
      const dir = tempDir("store-contract");
      return { open: (relayId) => openSqliteStore(dir.path, { relayId }), done: () => dir.remove() };
    },
  };
}

const ENGINES: Engine[] = [sqliteEngine(openSqliteStore), postgresEngine()];

const SECRET = "kitchen-secret-1";

/** Resolves to what `p` rejected with; fails the test if it resolved. */
async function rejects(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => assert.unreachable("should have rejected"),
    (e: unknown) => e,
  );
}

function press(seq: number, type: FeedEvent["type"] = "pressed", boot = "boot-a"): FeedEvent {
  return { type, boot, seq, age: 40, bat: 87, rssi: -61 } as FeedEvent;
}

for (const engine of ENGINES) {
  const t = suite<{ stores: Store[]; db: { open(relayId: string): Promise<Store>; done(): void } }>("store contract: " + engine.name);
  t.before(() => engine.before());
  t.after(() => engine.after());
  t.before.each(async (ctx) => {
    ctx.db = await engine.fresh();
    ctx.stores = [];
  });
  t.after.each(async (ctx) => {
    for (const s of ctx.stores) await s.close().catch(() => undefined);
    ctx.db.done();
  });
  /** A store on this test's database, closed after the test. */
  const open = async (ctx: { stores: Store[]; db: { open(relayId: string): Promise<Store> } }, relayId = "relay-a"): Promise<Store> => {
    const s = await ctx.db.open(relayId);
    ctx.stores.push(s);
    return s;
  };

  t("bttns: create, update, remove and the config file, seen by a second store after refresh", async (ctx) => {
    const a = await open(ctx, "relay-a");
    const b = await open(ctx, "relay-b");
    const seen: BttnChange[][] = [];
    b.bttns.onChange((c) => seen.push(c));

    const made = await a.bttns.create("kitchen", "cli", SECRET, { props: { name: "Kitchen" } });
    assert.is(made.id, "kitchen");
    assert.is(made.origin, "cli");
    assert.equal(made.props, { name: "Kitchen" });
    assert.is(b.bttns.get("kitchen"), undefined, "the second store reads its copy until it refreshes");
    await b.bttns.refresh();
    assert.equal(seen.pop(), [{ id: "kitchen", what: "added" }]);
    assert.equal(b.bttns.get("kitchen")?.props, { name: "Kitchen" });
    const kept = b.bttns.get("kitchen");
    await b.bttns.refresh();
    assert.is(seen.length, 0, "nothing changed: no change reported");
    assert.is(b.bttns.get("kitchen"), kept, "an unchanged bttn keeps its object");

    await a.bttns.update("kitchen", { props: { name: "Kitchen 2" } });
    await b.bttns.refresh();
    assert.equal(seen.pop(), [{ id: "kitchen", what: "definition" }]);
    await a.bttns.update("kitchen", { secret: "another-secret-2" });
    await b.bttns.refresh();
    assert.equal(seen.pop(), [{ id: "kitchen", what: "secret" }]);
    assert.is(await a.bttns.update("nobody", { props: {} }), undefined);

    assert.ok(await a.bttns.remove("kitchen"));
    assert.not.ok(await a.bttns.remove("kitchen"));
    await b.bttns.refresh();
    assert.equal(seen.pop(), [{ id: "kitchen", what: "removed" }]);

    await a.bttns.create("cli-one", "cli", SECRET, {});
    const file = configFileSchema.parse({ bttns: { hall: { secret: SECRET, name: "Hall" }, door: { secret: SECRET } } });
    assert.equal(await a.bttns.applyConfigFile(file), { added: ["hall", "door"], updated: [], removed: [] });
    assert.equal(await b.bttns.applyConfigFile(file), { added: [], updated: [], removed: [] }, "the second relay with the same file changes nothing");
    const smaller = configFileSchema.parse({ bttns: { hall: { secret: SECRET, name: "Hall!" } } });
    assert.equal(await b.bttns.applyConfigFile(smaller), { added: [], updated: ["hall"], removed: ["door"] });
    await a.bttns.refresh();
    assert.equal(a.bttns.list().map((x) => x.id).sort(), ["cli-one", "hall"], "a bttn the CLI added is left alone");
    assert.equal(a.bttns.get("hall")?.props, { name: "Hall!" });
  });

  t("bttns: authenticate, reloading once for a bttn added by the other store", async (ctx) => {
    const a = await open(ctx, "relay-a");
    const b = await open(ctx, "relay-b");
    await a.bttns.create("kitchen", "api", SECRET, {});
    assert.ok(await b.bttns.authenticate("kitchen", SECRET), "found by the reload on a miss");
    assert.not.ok(await b.bttns.authenticate("kitchen", "wrong-secret-1"));
    assert.not.ok(await b.bttns.authenticate("nobody", SECRET));
    await a.bttns.update("kitchen", { secret: "new-secret-123" });
    assert.ok(await b.bttns.authenticate("kitchen", "new-secret-123"), "a new secret elsewhere counts at once");
    assert.not.ok(await b.bttns.authenticate("kitchen", SECRET));
  });

  t("events: accepted once; a repeat answers how the first went; counters", async (ctx) => {
    const s = await open(ctx);
    const now = Date.now();
    const first = await s.events.accept("kitchen", press(1), now);
    assert.ok(first.fresh);
    if (!first.fresh) return;
    assert.is(first.pressedAt, now - 40);
    assert.equal(first.counters, { total: 1, pressed: 1, "pressed-long": 0, "pressed-double": 0, "not-pressed": 0, heartbeat: 0 });
    const again = await s.events.accept("kitchen", press(1), now + 5);
    assert.equal(again, { fresh: false, eventId: first.eventId, state: "running", reason: null, code: null });
    s.events.finish(first.eventId, "fail", "http", 503);
    assert.equal(await s.events.accept("kitchen", press(1), now + 9), { fresh: false, eventId: first.eventId, state: "fail", reason: "http", code: 503 });

    const hb = await s.events.accept("kitchen", press(2, "heartbeat"), now);
    assert.ok(hb.fresh && hb.counters.total === 1 && hb.counters.heartbeat === 1, "a heartbeat is counted apart from the total");
    const long = await s.events.accept("kitchen", press(3, "pressed-long"), now);
    assert.ok(long.fresh && long.counters.total === 2 && long.counters["pressed-long"] === 1);
    const other = await s.events.accept("kitchen", press(1, "pressed", "boot-b"), now);
    assert.ok(other.fresh, "another boot is another identity");
    assert.equal(await s.events.getCounters("kitchen"), { total: 3, pressed: 2, "pressed-long": 1, "pressed-double": 0, "not-pressed": 0, heartbeat: 1 });
    assert.equal(await s.events.getCounters("nobody"), { total: 0, pressed: 0, "pressed-long": 0, "pressed-double": 0, "not-pressed": 0, heartbeat: 0 });
    const feed = await s.events.feed("kitchen", {});
    assert.equal(
      feed.map((e) => [e.type, e.counter]),
      [["pressed", 3], ["pressed-long", 2], ["heartbeat", 1], ["pressed", 1]],
      "each event carries the total including itself",
    );
    const got = await s.events.get(first.eventId);
    assert.equal(got, { id: first.eventId, bttn: "kitchen", boot: "boot-a", seq: 1, type: "pressed", state: "fail", reason: "http", code: 503, received_at: now });
    assert.is(await s.events.get(first.eventId + 1000), undefined);
  });

  t("events: the same presses accepted at once by two stores are fresh exactly once each", async (ctx) => {
    const a = await open(ctx, "relay-a");
    const b = await open(ctx, "relay-b");
    const now = Date.now();
    const ids = Array.from({ length: 20 }, (_, i) => i + 1);
    const results = await Promise.all(ids.flatMap((seq) => [a.events.accept("kitchen", press(seq), now), b.events.accept("kitchen", press(seq), now)]));
    for (let i = 0; i < ids.length; i++) {
      const [x, y] = [results[2 * i], results[2 * i + 1]];
      assert.is(Number(x.fresh) + Number(y.fresh), 1, "seq " + ids[i] + ": one fresh, one repeat");
      assert.is(x.eventId, y.eventId);
    }
    const totals = results.filter((r) => r.fresh).map((r) => (r.fresh ? r.counters.total : 0));
    assert.equal(totals.sort((p, q) => p - q), ids, "each fresh press got its own total");
    assert.is((await a.events.getCounters("kitchen")).total, 20);
  });

  t("events: finish changes only a running or waiting press", async (ctx) => {
    const s = await open(ctx);
    const now = Date.now();
    const one = await s.events.accept("kitchen", press(1), now);
    const two = await s.events.accept("kitchen", press(2), now);
    s.events.finish(one.eventId, "ok", null, 200);
    s.events.finish(one.eventId, "fail", "timeout", null);
    s.events.markWaiting(two.eventId);
    assert.is((await s.events.get(two.eventId))?.state, "waiting");
    s.events.finish(two.eventId, "ok", null, 204);
    s.events.markWaiting(two.eventId);
    const feed = await s.events.feed("kitchen", {});
    assert.equal(
      feed.map((e) => [e.state, e.reason, e.code]),
      [["ok", null, 204], ["ok", null, 200]],
    );
  });

  t("events: claimEnd ends a press once across two stores, and then says so", async (ctx) => {
    const a = await open(ctx, "relay-a");
    const b = await open(ctx, "relay-b");
    const one = await a.events.accept("kitchen", press(1), Date.now());
    const won = await Promise.all([a.events.claimEnd(one.eventId, "ok", null, 200), b.events.claimEnd(one.eventId, "fail", "internal", null)]);
    assert.equal(won.filter(Boolean).length, 1, "one store ends it");
    const e = await b.events.get(one.eventId);
    assert.equal([e?.state, e?.reason, e?.code], won[0] ? ["ok", null, 200] : ["fail", "internal", null]);
    assert.is(await a.events.claimEnd(one.eventId, "fail", "timeout", null), false, "an ended press stays ended");
  });

  t("events: the feed's shape, order, type filter, after and limit", async (ctx) => {
    const s = await open(ctx);
    const at = Date.parse("2030-01-02T03:04:05.000Z");
    const ids: number[] = [];
    for (let i = 1; i <= 6; i++) ids.push((await s.events.accept("kitchen", press(i, i % 2 ? "pressed" : "pressed-long"), at + i)).eventId);
    await s.events.accept("hall", press(1), at);
    s.events.recordRun({ eventId: ids[0], bttn: "kitchen", method: "POST", url: "https://example.test/a", status: 500, durationMs: 12.5, reason: "http", startedAt: at + 2 });
    s.events.recordRun({ eventId: ids[0], bttn: "kitchen", method: "POST", url: "https://example.test/a", status: 200, durationMs: 3, startedAt: at + 20 });
    s.events.recordRun({ eventId: ids[1], bttn: "kitchen", method: "GET", url: "https://example.test/b", durationMs: 5000, reason: "timeout", error: "no answer", startedAt: at + 3 });
    s.events.finish(ids[0], "ok", null, 200);

    const newest = await s.events.feed("kitchen", {});
    assert.equal(newest.map((e) => e.id), [...ids].reverse(), "newest first, only this bttn's");
    assert.equal(newest[5], {
      id: ids[0],
      type: "pressed",
      boot: "boot-a",
      seq: 1,
      age: 40,
      bat: 87,
      rssi: -61,
      receivedAt: "2030-01-02T03:04:05.001Z",
      pressedAt: "2030-01-02T03:04:04.961Z",
      counter: 1,
      state: "ok",
      reason: null,
      code: 200,
      runs: [
        { method: "POST", url: "https://example.test/a", status: 500, durationMs: 12.5, reason: "http", error: null, startedAt: "2030-01-02T03:04:05.002Z" },
        { method: "POST", url: "https://example.test/a", status: 200, durationMs: 3, reason: null, error: null, startedAt: "2030-01-02T03:04:05.020Z" },
      ],
    });
    assert.equal(newest[4].runs, [{ method: "GET", url: "https://example.test/b", status: null, durationMs: 5000, reason: "timeout", error: "no answer", startedAt: "2030-01-02T03:04:05.003Z" }]);
    assert.equal(newest[0].runs, []);
    assert.equal((await s.events.feed("kitchen", { after: ids[1] })).map((e) => e.id), ids.slice(2), "after an id: oldest first");
    assert.equal((await s.events.feed("kitchen", { after: ids[1], limit: 2 })).map((e) => e.id), ids.slice(2, 4));
    assert.equal((await s.events.feed("kitchen", { type: "pressed-long" })).map((e) => e.id), [ids[5], ids[3], ids[1]]);
    assert.equal((await s.events.feed("kitchen", { type: "pressed-long", after: ids[1] })).map((e) => e.id), [ids[3], ids[5]]);
    assert.equal((await s.events.feed("kitchen", { limit: 2 })).map((e) => e.id), [ids[5], ids[4]]);
    assert.is((await s.events.feed("kitchen", { limit: 0 })).length, 1, "the limit is at least 1");
    assert.is((await s.events.feed("kitchen", { limit: 100_000 })).length, 6);
    assert.equal(await s.events.feed("nobody", {}), []);
  });

  t("keys: create, verify, revoke", async (ctx) => {
    const a = await open(ctx, "relay-a");
    const b = await open(ctx, "relay-b");
    assert.not.ok(await a.keys.hasAdmin());
    const { key, token } = await a.keys.create({ name: "server", kind: "key", bttns: ["kitchen"] });
    assert.equal(key.bttns, ["kitchen"]);
    assert.is(key.revokedAt, null);
    const admin = await a.keys.create({ name: "me", kind: "admin", bttns: ["ignored"] });
    assert.equal(admin.key.bttns, []);
    assert.ok(await b.keys.hasAdmin());
    assert.equal(await b.keys.verify(token), { ok: true, key });
    assert.equal((await b.keys.list()).map((k) => k.id), [key.id, admin.key.id]);
    const wrong = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    assert.equal(await b.keys.verify(wrong), { ok: false, why: "wrong-secret", keyId: key.id });
    assert.equal(await b.keys.verify("bttn_0123456789abcdef_" + "x".repeat(32)), { ok: false, why: "unknown" });
    assert.equal(await b.keys.verify("not a key"), { ok: false, why: "malformed" });
    assert.ok(await b.keys.revoke(key.id));
    assert.ok(await a.keys.revoke(key.id), "revoking twice is harmless");
    assert.not.ok(await a.keys.revoke("0000000000000000"));
    assert.equal(await a.keys.verify(token), { ok: false, why: "revoked", keyId: key.id });
    assert.type((await a.keys.get(key.id))?.revokedAt, "number");
  });

  t("hooks: register, urlFor the newest live one, liveness", async (ctx) => {
    const a = await open(ctx, "relay-a");
    const b = await open(ctx, "relay-b");
    await a.bttns.create("kitchen", "api", SECRET, {});
    const { key } = await a.keys.create({ name: "server", kind: "key", bttns: ["kitchen"] });
    const { key: other } = await a.keys.create({ name: "other", kind: "key", bttns: ["kitchen"] });
    const one = await a.hooks.register({ bttn: "kitchen", url: "https://HOOKS.example.test/one", keyId: key.id });
    assert.ok("hook" in one && one.fresh);
    if (!("hook" in one)) return;
    assert.is(one.hook.url, "https://hooks.example.test/one", "stored as the URL parser writes it");
    assert.is(await b.hooks.urlFor("kitchen"), "https://hooks.example.test/one");
    await sleep(2);
    const two = await b.hooks.register({ bttn: "kitchen", url: "https://hooks.example.test/two", keyId: other.id });
    assert.ok("hook" in two && two.fresh);
    assert.is(await a.hooks.urlFor("kitchen"), "https://hooks.example.test/two", "the newest wins");
    await sleep(2);
    const again = await a.hooks.register({ bttn: "kitchen", url: "https://hooks.example.test/one", keyId: key.id });
    assert.ok("hook" in again && !again.fresh && again.hook.id === one.hook.id, "the same registration again is the same hook");
    assert.is(await a.hooks.urlFor("kitchen"), "https://hooks.example.test/one", "made the newest");
    assert.equal((await a.hooks.list(key.id)).map((h) => h.id), [one.hook.id]);
    assert.is((await a.hooks.list()).length, 2);
    await rejects(a.hooks.register({ bttn: "kitchen", url: "ftp://x.test/", keyId: key.id }));

    await a.keys.revoke(key.id);
    assert.is(await b.hooks.urlFor("kitchen"), "https://hooks.example.test/two", "a revoked key's hook stops counting");
    assert.not.ok(await a.hooks.remove("hook" in two ? two.hook.id : "x", { id: key.id, kind: "key" }), "another key's hook is not removed");
    await a.bttns.remove("kitchen");
    await sleep(2);
    await a.bttns.create("kitchen", "api", SECRET, {});
    assert.is(await b.hooks.urlFor("kitchen"), undefined, "a bttn added again is a new bttn: old hooks do not apply");
    assert.equal(await a.hooks.list(), []);
    assert.is(await a.hooks.removeForBttn("kitchen"), 2);
  });

  t("callbacks: insert, find, claim once across two stores, claimExpired once", async (ctx) => {
    const a = await open(ctx, "relay-a");
    const b = await open(ctx, "relay-b");
    const now = Date.now();
    const rows = [];
    for (let i = 1; i <= 6; i++) {
      const ev = await a.events.accept("kitchen", press(i), now);
      rows.push({ tokenHash: hashToken("token-" + i), eventId: ev.eventId, bttn: "kitchen", boot: "boot-a", seq: i, deadline: now + (i <= 4 ? -1000 + i : 60_000), waits: 0 });
    }
    for (const r of rows) await a.callbacks.insert(r);
    assert.equal(await b.callbacks.find(rows[0].tokenHash), rows[0]);
    assert.equal((await b.callbacks.all()).map((r) => r.seq), [1, 2, 3, 4, 5, 6], "by deadline");
    await b.callbacks.extend(rows[5].tokenHash, now + 90_000, 1);
    const claims = await Promise.all([a.callbacks.claim(rows[4].tokenHash), b.callbacks.claim(rows[4].tokenHash)]);
    assert.is(claims.filter(Boolean).length, 1, "one store gets the row");
    assert.equal(claims.find(Boolean), rows[4]);
    assert.is(await a.callbacks.claim(rows[4].tokenHash), undefined);
    const expired = await Promise.all([a.callbacks.claimExpired(now), b.callbacks.claimExpired(now)]);
    assert.equal(expired.flat().map((r) => r.seq).sort(), [1, 2, 3, 4], "each expired row to one store");
    const left = await a.callbacks.all();
    assert.is(left.length, 1);
    // The extension was queued (nobody waits for it): it lands soon.
    for (let i = 0; i < 100 && (await a.callbacks.find(rows[5].tokenHash))?.waits !== 1; i++) await sleep(10);
    assert.equal(await a.callbacks.find(rows[5].tokenHash), { ...rows[5], deadline: now + 90_000, waits: 1 });
  });

  t("not-pressed: a window is claimed by one store; the mark only moves forward", async (ctx) => {
    const a = await open(ctx, "relay-a");
    const b = await open(ctx, "relay-b");
    assert.is(await a.notPressed.checkedUntil("kitchen"), undefined);
    const won = await Promise.all([a.notPressed.claimWindow("kitchen", 1000), b.notPressed.claimWindow("kitchen", 1000)]);
    assert.equal(won.filter(Boolean).length, 1, "one store checks the window");
    assert.is(await b.notPressed.checkedUntil("kitchen"), 1000);
    assert.not.ok(await b.notPressed.claimWindow("kitchen", 500), "an earlier end does not move it back");
    const next = await Promise.all([a.notPressed.claimWindow("kitchen", 2000), b.notPressed.claimWindow("kitchen", 2000)]);
    assert.equal(next.filter(Boolean).length, 1);
    assert.is(await a.notPressed.checkedUntil("kitchen"), 2000);

    const now = Date.now();
    await a.events.accept("kitchen", { ...press(1), age: 1000 }, now); // made at now - 1000
    await a.events.accept("kitchen", press(2, "heartbeat"), now);
    assert.ok(await b.notPressed.pressedBetween("kitchen", now - 1500, now - 500));
    assert.not.ok(await b.notPressed.pressedBetween("kitchen", now - 900, now + 1000), "a heartbeat is no press");
    assert.not.ok(await b.notPressed.pressedBetween("kitchen", now - 5000, now - 1000), "the end is not in the window");
  });

  t("status: heard and online, newest values answered", async (ctx) => {
    const a = await open(ctx, "relay-a");
    const b = await open(ctx, "relay-b");
    assert.equal(await a.status.get("kitchen"), { online: false, fw: null, bat: null, rssi: null, lastHeard: null });
    const at = Date.parse("2030-01-02T03:04:05.000Z");
    a.status.setOnline("kitchen", true, "1.2.3", at);
    a.status.heard("kitchen", 90, -50, at + 1);
    a.status.heard("kitchen", 80, undefined, at + 2); // within 5 s: kept in memory
    assert.equal(await a.status.get("kitchen"), { online: true, fw: "1.2.3", bat: 80, rssi: -50, lastHeard: "2030-01-02T03:04:05.002Z" });
    let seen;
    for (let i = 0; i < 100 && !(seen = await b.status.get("kitchen")).online; i++) await sleep(10);
    assert.equal(seen, { online: true, fw: "1.2.3", bat: 90, rssi: -50, lastHeard: "2030-01-02T03:04:05.001Z" }, "the other store sees what was written");
    a.status.setOnline("kitchen", false, undefined, at + 10);
    assert.equal(await a.status.get("kitchen").then((s) => [s.online, s.fw]), [false, "1.2.3"]);
  });

  t("closeInterrupted: this relay's running presses end as fail internal", async (ctx) => {
    const s = await open(ctx, "relay-a");
    const now = Date.now();
    const one = await s.events.accept("kitchen", press(1), now);
    const two = await s.events.accept("kitchen", press(2), now);
    s.events.finish(two.eventId, "ok", null, 200);
    await s.events.feed("kitchen", {}); // the finish is committed
    assert.is(await s.events.closeInterrupted(), 1);
    assert.equal(await s.events.accept("kitchen", press(1), now), { fresh: false, eventId: one.eventId, state: "fail", reason: "internal", code: null });
    assert.is(await s.events.closeInterrupted(), 0);
  });

  if (engine.group) {
    t("relays: beat, dead, forget", async (ctx) => {
      const a = await open(ctx, "relay-a");
      const b = await open(ctx, "relay-b");
      const now = Date.now();
      await a.relays.beat(now);
      await b.relays.beat(now - 60_000);
      assert.equal(await a.relays.dead(now - 30_000), ["relay-b"]);
      assert.equal(await b.relays.dead(now - 30_000), [], "a relay is never dead to itself");
      await b.relays.beat(now);
      assert.equal(await a.relays.dead(now - 30_000), []);
      assert.equal(await b.relays.dead(now + 1), ["relay-a"]);
      await a.relays.forget("relay-b");
      assert.equal(await b.relays.dead(now + 1), ["relay-a"]);
      assert.equal(await a.relays.dead(now + 1), [], "forgotten");
    });

    t("claimOrphans: a dead relay's running presses are closed once, by one caller", async (ctx) => {
      const dead = await open(ctx, "relay-dead");
      const a = await open(ctx, "relay-a");
      const b = await open(ctx, "relay-b");
      const now = Date.now();
      const running = [await dead.events.accept("kitchen", press(1), now), await dead.events.accept("kitchen", press(2), now)];
      const done = await dead.events.accept("kitchen", press(3), now);
      const waiting = await dead.events.accept("kitchen", press(4), now);
      const mine = await a.events.accept("kitchen", press(5), now);
      dead.events.finish(done.eventId, "ok", null, 200);
      dead.events.markWaiting(waiting.eventId);
      await dead.events.feed("kitchen", {});
      const claimed = await Promise.all([a.events.claimOrphans(["relay-dead"]), b.events.claimOrphans(["relay-dead"])]);
      const all = claimed.flat();
      assert.equal(all.map((e) => e.id).sort((x, y) => x - y), running.map((r) => r.eventId), "each running press to one caller; ended and waiting ones left");
      assert.equal(all.find((e) => e.id === running[0].eventId), { id: running[0].eventId, bttn: "kitchen", boot: "boot-a", seq: 1, type: "pressed", state: "fail", reason: "internal", code: null, received_at: now });
      assert.equal(await a.events.claimOrphans(["relay-dead"]), []);
      assert.equal(await a.events.claimOrphans([]), []);
      assert.is((await a.events.get(mine.eventId))?.state, "running", "another relay's presses are not touched");
      assert.is((await a.events.get(waiting.eventId))?.state, "waiting");
    });

    t("the database away: accept refuses quickly, then works again; queued writes land", async (ctx) => {
      const s = await open(ctx, "relay-a");
      const now = Date.now();
      const before = await s.events.accept("kitchen", press(1), now);
      s.status.setOnline("kitchen", true, "1.0.0", now);
      await s.events.feed("kitchen", {});
      await engine.outage!.down();
      // Writes nobody waits for, made while it is away:
      s.events.finish(before.eventId, "ok", null, 200);
      s.events.recordRun({ eventId: before.eventId, bttn: "kitchen", method: "POST", url: "https://example.test/", status: 200, durationMs: 4, startedAt: now });
      const t0 = Date.now();
      const refused = await s.events.accept("kitchen", press(2), now).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.instance(refused, StoreUnavailableError);
      assert.ok(Date.now() - t0 < 3500, "refused within the timeouts, took " + (Date.now() - t0) + " ms");
      await waitFor(() => !s.health().ok, 5000, "health to say the store is degraded");
      const t1 = Date.now();
      await rejects(s.events.accept("kitchen", press(3), now));
      assert.ok(Date.now() - t1 < 100, "while degraded, a press does not wait for the database");
      assert.ok(s.health().pendingWrites >= 2);
      await engine.outage!.up();
      let ok: boolean | undefined;
      for (let i = 0; i < 100 && !ok; i++) {
        ok = s.health().ok;
        if (!ok) await sleep(50);
      }
      assert.ok(ok, "the store recovers by itself");
      const again = await s.events.accept("kitchen", press(2), now);
      assert.equal(
        again.fresh ? "fresh" : [again.state, again.reason],
        ["fail", "internal"],
        "a press refused while the database was away is recorded as failed: its redelivery does not fire late",
      );
      const later = await s.events.accept("kitchen", press(4), now);
      assert.ok(later.fresh);
      const feed = await s.events.feed("kitchen", {});
      const first = feed.find((e) => e.id === before.eventId)!;
      assert.equal([first.state, first.code, first.runs.length], ["ok", 200, 1], "the queued writes landed");
      assert.is(s.health().pendingWrites, 0);
      assert.ok(s.health().failedCommits >= 1);
    });
  }

  t.run();
}
