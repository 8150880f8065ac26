// The API when something underneath fails: a JSON 500 without a stack trace or the failure's text,
// and the failure in the log. Served over real HTTP from real stores whose database is then closed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Hono } from "hono";
import { mountApi } from "../src/api";
import { startHttpServer } from "../src/http/server";
import { createLogger } from "../src/log";
import { openSqliteStore } from "../src/store/sqlite/open";
import { tempDir } from "../../test/support/temp";

test("a failing store gives a JSON 500 without details; the log has them", async () => {
  const dir = tempDir("api-fail");
  const store = await openSqliteStore(dir.path);
  const db = store.db;
  const logs: string[] = [];
  const log = createLogger("debug", (l) => logs.push(l));
  const keys = store.keys;
  const app = new Hono();
  mountApi(app, { bttns: store.bttns, events: store.events, status: store.status, keys, hooks: store.hooks, log, mqtt: { port: 1883 } });
  const http = await startHttpServer(app, 0, "127.0.0.1");
  try {
    const { token } = await keys.create({ name: "admin", kind: "admin" });
    const url = `http://127.0.0.1:${http.port}/api/v1/bttns`;
    const ok = await fetch(url, { headers: { authorization: "Bearer " + token } });
    assert.is(ok.status, 200);
    db.close();
    const res = await fetch(url, { headers: { authorization: "Bearer " + token } });
    const text = await res.text();
    assert.is(res.status, 500);
    assert.equal(JSON.parse(text), { error: "internal error; the relay's log says more" });
    assert.ok(logs.some((l) => /error API request failed method=GET path=\/api\/v1\/bttns error=.*database/i.test(l)), logs.join("\n"));
  } finally {
    await http.close();
    store.commit.close();
    if (db.open) db.close();
    dir.remove();
  }
});

test.run();
