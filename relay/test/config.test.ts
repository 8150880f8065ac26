import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfigFile, parseConfig } from "../src/config/file";
import { openSqliteStore } from "../src/store/sqlite/open";
import { tempDir } from "../../test/support/temp";

const good = {
  bttns: {
    kitchen: {
      name: "Kitchen",
      secret: "kitchen-secret",
      actions: { pressed: { http: { method: "POST", url: "http://127.0.0.1:9000/hook", format: "json", args: { who: "kitchen" }, headers: { "X-Token": "abc" } } } },
    },
  },
};

function bad(obj: unknown): string {
  try {
    parseConfig(JSON.stringify(obj), "relay.json", false);
  } catch (e) {
    assert.instance(e, ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

test("a valid file gets defaults filled in", () => {
  const c = parseConfig(JSON.stringify(good), "relay.json", false);
  const a = c.bttns.kitchen.actions.pressed!.http;
  assert.is(a.timeout, 10000);
  assert.is(a.insecure, false);
  assert.is(a.format, "json");
  assert.equal(c.bttns.kitchen.device, {});
});

test("YAML works the same", () => {
  const c = parseConfig("bttns:\n  door:\n    secret: door-secret-1\n    actions:\n      pressed:\n        http:\n          url: http://127.0.0.1:1/x\n", "relay.yaml", true);
  assert.is(c.bttns.door.actions.pressed!.http.method, "GET");
});

test("errors name the file, the field's path and the problem", () => {
  assert.match(bad({ bttns: { kitchen: { secret: "short" } } }), /^relay.json: bttns.kitchen.secret: must be at least 8 characters/);
  assert.match(bad({ bttns: { "bad id": { secret: "12345678" } } }), /^relay.json: bttns.bad id: may contain only letters/);
  assert.match(bad({ bttns: { k: { secret: "12345678", actions: { pressed: { http: { url: "ftp://x" } } } } } }), /bttns.k.actions.pressed.http.url: must be an http:\/\/ or https:\/\/ URL, or "dynamic"/);
  assert.match(bad({ bttns: { k: { secret: "12345678", actions: { pressed: { http: { url: "http://x", method: "FETCH" } } } } } }), /bttns.k.actions.pressed.http.method:/);
  assert.match(bad({ bttns: { k: { secret: "12345678", actions: { exploded: { http: { url: "http://x" } } } } } }), /bttns.k.actions: Unrecognized key: "exploded"/);
  assert.match(bad({ bttns: { k: { secret: "12345678", actions: { pressed: { http: { url: "http://x", timeout: 5 } } } } } }), /http.timeout:/);
  assert.match(bad({ bttns: { k: { secret: "12345678", actions: { pressed: { http: { url: "http://x", headers: { "Bad Header": "x" } } } } } } }), /headers.Bad Header: must be a valid HTTP header name/);
  assert.match(bad({ bttns: { k: { secret: "12345678", colour: "red" } } }), /bttns.k: Unrecognized key: "colour"/);
  assert.match(bad({ bttns: { k: { secret: "12345678", device: { longMs: 5 } } } }), /bttns.k.device.longMs: must be between 300 and 10000/);
  assert.match(bad({ bttns: { k: { secret: "12345678", timeZone: "Mars/Olympus" } } }), /bttns.k.timeZone: must be an IANA time zone/);
  assert.match(bad({ relay: { publicUrl: "nope" } }), /relay.publicUrl:/);
  assert.match(bad([]), /relay.json: \(top level\)/);
  try {
    parseConfig("{ nope", "relay.json", false);
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^relay.json: not valid JSON/);
  }
  try {
    loadConfigFile("/nonexistent/relay.json");
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^\/nonexistent\/relay.json: cannot read: ENOENT/);
  }
});

test("args nested thousands deep, in JSON or YAML: a ConfigError with the path, not a stack overflow later", () => {
  const depth = 5000;
  const json = '{"bttns":{"k":{"secret":"k-secret-123","actions":{"pressed":{"http":{"url":"http://127.0.0.1/x","args":{"a":' + "[".repeat(depth) + "]".repeat(depth) + "}}}}}}}";
  for (const [text, yaml] of [[json, false], ["bttns:\n  k:\n    secret: k-secret-123\n    actions:\n      pressed:\n        http:\n          url: http://127.0.0.1/x\n          args: {a: " + "[".repeat(200) + "]".repeat(200) + "}\n", true]] as const) {
    let message = "";
    try {
      parseConfig(text, yaml ? "relay.yaml" : "relay.json", yaml);
    } catch (e) {
      assert.instance(e, ConfigError);
      message = (e as Error).message;
    }
    assert.match(message, /^relay\.(json|yaml): bttns\.k\.actions\.pressed\.http\.args\.a(\.0)+: nested more than 32 levels deep$/);
  }
  assert.match(bad({ bttns: { k: { secret: "k-secret-123", actions: { pressed: { http: { url: "http://127.0.0.1/x", dynamicOrigins: ["https://a.lan"] } } } } } }), /http\.dynamicOrigins: only for an action with url "dynamic"/);
  assert.match(bad({ bttns: { k: { secret: "k-secret-123", actions: { pressed: { http: { url: "dynamic", dynamicOrigins: ["https://a.lan/hooks"] } } } } } }), /http\.dynamicOrigins\.0: must be an origin only/);
});

test("the file owns its bttns; CLI/API bttns are left alone; history stays", async () => {
  const dir = tempDir("cfg");
  try {
    const sqlite = await openSqliteStore(dir.path);
    const db = sqlite.db;
    const store = sqlite.bttns;
    await store.create("manual", "cli", "manual-secret-1", {});
    const cfg = parseConfig(JSON.stringify(good), "f", false);
    assert.equal(await store.applyConfigFile(cfg), { added: ["kitchen"], updated: [], removed: [] });
    assert.equal(await store.applyConfigFile(cfg), { added: [], updated: [], removed: [] }, "idempotent");
    assert.ok(await store.authenticate("kitchen", "kitchen-secret"));
    assert.not.ok(await store.authenticate("kitchen", "kitchen-secreT"));
    const changed = parseConfig(JSON.stringify({ bttns: { kitchen: { ...good.bttns.kitchen, secret: "new-secret-9" } } }), "f", false);
    assert.equal((await store.applyConfigFile(changed)).updated, ["kitchen"]);
    assert.ok(await store.authenticate("kitchen", "new-secret-9"));
    assert.not.ok(await store.authenticate("kitchen", "kitchen-secret"));
    assert.equal((await store.applyConfigFile(parseConfig("{}", "f", false))).removed, ["kitchen"]);
    assert.ok(store.get("manual"), "the CLI's bttn survives");
    assert.is(store.get("kitchen"), undefined);
    // Secrets are stored hashed.
    const row = db.prepare("SELECT * FROM bttns WHERE id = 'manual'").get() as Record<string, string>;
    assert.not.ok(JSON.stringify(row).includes("manual-secret-1"));
    await sqlite.close();
  } finally {
    dir.remove();
  }
});

test("another process's change is seen (data_version)", async () => {
  const dir = tempDir("cfg2");
  try {
    const a = await openSqliteStore(dir.path);
    const b = await openSqliteStore(dir.path);
    const sa = a.bttns;
    const sb = b.bttns;
    await sb.create("late", "cli", "late-secret-1", {});
    assert.ok(await sa.authenticate("late", "late-secret-1"), "a miss re-reads the database");
    await a.close();
    await b.close();
    writeFileSync(join(dir.path, "x"), "");
  } finally {
    dir.remove();
  }
});

test("reads are pure; refresh() loads another process's changes and keeps the objects of unchanged bttns", async () => {
  const dir = tempDir("cfg3");
  try {
    const b = await openSqliteStore(dir.path);
    const sb = b.bttns;
    await sb.create("one", "cli", "one-secret-1", {});
    await sb.create("two", "cli", "two-secret-1", {});
    const a = await openSqliteStore(dir.path);
    const sa = a.bttns;
    const changes: string[] = [];
    sa.onChange((cs) => changes.push(...cs.map((c) => c.id + ":" + c.what)));
    const one = sa.get("one");
    await sb.update("two", { secret: "two-secret-2" });
    await sb.remove("one");
    assert.is(sa.get("one"), one, "get() does not read the database");
    await sa.refresh();
    assert.is(sa.get("one"), undefined);
    assert.equal(changes.sort(), ["one:removed", "two:secret"]);
    const two = sa.get("two");
    await sb.create("three", "cli", "three-secret-1", {});
    await sa.refresh();
    assert.is(sa.get("two"), two, "an unchanged bttn keeps its object");
    assert.ok(sa.get("three"));
    await a.close();
    await b.close();
  } finally {
    dir.remove();
  }
});

test.run();
