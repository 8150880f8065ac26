// The SQLite keys and hooks (store/sqlite/) on a real file: keys shown once and stored hashed, every way a key
// can be refused, and which registered webhook URL a dynamic action gets.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DB_FILE } from "../src/store/sqlite/db";
import { openSqliteStore } from "../src/store/sqlite/open";
import { checkHookUrl, MAX_HOOKS_PER_KEY } from "../src/store/hooks";
import { sleep, tempDir } from "../../test/support/temp";

async function stores() {
  const dir = tempDir("keys");
  const store = await openSqliteStore(dir.path);
  const bttns = store.bttns;
  await bttns.create("kitchen", "cli", "kitchen-secret-1", {});
  await bttns.create("hall", "cli", "hall-secret-1", {});
  return {
    dir,
    db: store.db,
    bttns,
    keys: store.keys,
    hooks: store.hooks,
    async done() {
      await store.close();
      dir.remove();
    },
  };
}

test("a key is bttn_<id>_<secret>, shown once: the database holds only a salted hash", async () => {
  const s = await stores();
  try {
    const { key, token } = await s.keys.create({ name: "server", kind: "key", bttns: ["kitchen"] });
    assert.match(token, /^bttn_[0-9a-f]{16}_[A-Za-z0-9_-]{32}$/);
    assert.ok(token.startsWith("bttn_" + key.id + "_"));
    const secret = token.slice(("bttn_" + key.id + "_").length);
    s.db.pragma("wal_checkpoint(TRUNCATE)");
    const file = readFileSync(join(s.dir.path, DB_FILE));
    assert.not.ok(file.includes(secret), "the secret is not in the database file");
    assert.equal(Object.keys((await s.keys.list())[0]).sort(), ["bttns", "createdAt", "id", "kind", "name", "revokedAt"]);
    const v = await s.keys.verify(token);
    assert.ok(v.ok && v.key.id === key.id && v.key.bttns[0] === "kitchen");
  } finally {
    await s.done();
  }
});

test("verify refuses malformed, unknown, wrong and revoked keys, and says which only to the caller's log", async () => {
  const s = await stores();
  try {
    const { key, token } = await s.keys.create({ name: "server", kind: "key", bttns: ["kitchen"] });
    const other = "bttn_" + "0".repeat(16) + "_" + "A".repeat(32);
    const wrong = "bttn_" + key.id + "_" + "B".repeat(32);
    assert.equal(await s.keys.verify("hello"), { ok: false, why: "malformed" });
    assert.equal(await s.keys.verify(""), { ok: false, why: "malformed" });
    assert.equal(await s.keys.verify(other), { ok: false, why: "unknown" });
    assert.equal(await s.keys.verify(wrong), { ok: false, why: "wrong-secret", keyId: key.id });
    assert.ok(await s.keys.revoke(key.id));
    assert.ok(await s.keys.revoke(key.id), "revoking twice is harmless");
    assert.equal(await s.keys.verify(token), { ok: false, why: "revoked", keyId: key.id });
    assert.not.ok(await s.keys.revoke("nope"));
    assert.ok((await s.keys.list())[0].revokedAt);
  } finally {
    await s.done();
  }
});

test("hasAdmin: false until an admin key is made, and still true once it is revoked", async () => {
  const s = await stores();
  try {
    assert.not.ok(await s.keys.hasAdmin());
    await s.keys.create({ name: "server", kind: "key", bttns: ["kitchen"] });
    assert.not.ok(await s.keys.hasAdmin());
    const a = await s.keys.create({ name: "admin", kind: "admin", bttns: ["kitchen"] });
    assert.equal(a.key.bttns, [], "an admin key is bound to no list: it acts for all");
    await s.keys.revoke(a.key.id);
    assert.ok(await s.keys.hasAdmin());
  } finally {
    await s.done();
  }
});

test("hook URLs: http and https only, no credentials, no spaces, at most 2 KiB", () => {
  assert.is(checkHookUrl("http://127.0.0.1:8080/hook?x=1"), "");
  assert.is(checkHookUrl("https://example.test/a"), "");
  assert.match(checkHookUrl("ftp://example.test/a"), /http:\/\/ or https:\/\//);
  assert.match(checkHookUrl("javascript:alert(1)"), /http:\/\/ or https:\/\//);
  assert.match(checkHookUrl("/relative"), /absolute/);
  assert.match(checkHookUrl("http://user:pw@example.test/"), /credentials/);
  assert.match(checkHookUrl("http://user@example.test/"), /credentials/);
  assert.match(checkHookUrl("http://example.test/a b"), /spaces/);
  assert.match(checkHookUrl("http://example.test/a\r\nX: y"), /control/);
  assert.match(checkHookUrl("http://example.test/" + "a".repeat(2048)), /2048/);
});

test("urlFor: the newest live registration wins; revoked keys and deleted hooks stop counting", async () => {
  const s = await stores();
  try {
    assert.is(await s.hooks.urlFor("kitchen"), undefined);
    const a = await s.keys.create({ name: "a", kind: "key", bttns: ["kitchen"] });
    const b = await s.keys.create({ name: "b", kind: "key", bttns: ["kitchen", "hall"] });
    const ha = await s.hooks.register({ bttn: "kitchen", url: "http://127.0.0.1:1/a", keyId: a.key.id });
    assert.ok("hook" in ha && ha.fresh);
    assert.is(await s.hooks.urlFor("kitchen"), "http://127.0.0.1:1/a");
    await sleep(2);
    const hb = await s.hooks.register({ bttn: "kitchen", url: "http://127.0.0.1:1/b", keyId: b.key.id });
    assert.is(await s.hooks.urlFor("kitchen"), "http://127.0.0.1:1/b");
    assert.is(await s.hooks.urlFor("hall"), undefined, "per bttn");
    await sleep(2);
    // Registering the same URL again: the same hook, made the newest.
    const again = await s.hooks.register({ bttn: "kitchen", url: "http://127.0.0.1:1/a", keyId: a.key.id });
    assert.ok("hook" in again && "hook" in ha && again.hook.id === ha.hook.id && !again.fresh);
    assert.is(await s.hooks.urlFor("kitchen"), "http://127.0.0.1:1/a");
    assert.is((await s.hooks.list(a.key.id)).length, 1);
    assert.is((await s.hooks.list()).length, 2);
    // Only its own key (or an admin) deletes a hook.
    assert.ok("hook" in ha && !(await s.hooks.remove(ha.hook.id, b.key)));
    assert.ok("hook" in ha && (await s.hooks.remove(ha.hook.id, a.key)));
    assert.is(await s.hooks.urlFor("kitchen"), "http://127.0.0.1:1/b");
    await s.keys.revoke(b.key.id);
    assert.is(await s.hooks.urlFor("kitchen"), undefined, "a revoked key's hook is ignored");
    assert.is((await s.hooks.list()).length, 0);
    assert.ok("hook" in hb);
  } finally {
    await s.done();
  }
});

test("a bttn removed and added again does not inherit old registrations", async () => {
  const s = await stores();
  try {
    const a = await s.keys.create({ name: "a", kind: "key", bttns: ["kitchen"] });
    await s.hooks.register({ bttn: "kitchen", url: "http://127.0.0.1:1/a", keyId: a.key.id });
    assert.ok(await s.hooks.urlFor("kitchen"));
    await s.bttns.remove("kitchen");
    assert.is(await s.hooks.urlFor("kitchen"), undefined);
    await sleep(2);
    await s.bttns.create("kitchen", "cli", "kitchen-secret-2", {});
    assert.is(await s.hooks.urlFor("kitchen"), undefined);
  } finally {
    await s.done();
  }
});

test("a key holds at most MAX_HOOKS_PER_KEY live hooks; URLs are stored as the URL parser writes them", async () => {
  const s = await stores();
  try {
    const a = await s.keys.create({ name: "a", kind: "key", bttns: ["kitchen"] });
    const first = await s.hooks.register({ bttn: "kitchen", url: "HTTP://127.0.0.1:80/x/../y", keyId: a.key.id });
    assert.ok("hook" in first && first.hook.url === "http://127.0.0.1/y");
    for (let i = 1; i < MAX_HOOKS_PER_KEY; i++) await s.hooks.register({ bttn: "kitchen", url: "http://127.0.0.1/" + i, keyId: a.key.id });
    assert.equal(await s.hooks.register({ bttn: "kitchen", url: "http://127.0.0.1/one-more", keyId: a.key.id }), { full: true });
    const same = await s.hooks.register({ bttn: "kitchen", url: "http://127.0.0.1/5", keyId: a.key.id });
    assert.ok("hook" in same, "registering a known URL again is still fine");
  } finally {
    await s.done();
  }
});

test.run();
