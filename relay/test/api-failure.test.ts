// The API when something underneath fails: a JSON 500 without a stack trace or the failure's text,
// and the failure in the log. Served over real HTTP from real stores whose database is then closed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Hono } from "hono";
import { mountApi } from "../src/api";
import { startHttpServer } from "../src/http/server";
import { createLogger } from "../src/log";
import { BttnStore } from "../src/store/bttns";
import { openDb } from "../src/store/db";
import { EventStore } from "../src/store/events";
import { GroupCommit } from "../src/store/group-commit";
import { HookStore } from "../src/store/hooks";
import { KeyStore } from "../src/store/keys";
import { StatusStore } from "../src/store/status";
import { tempDir } from "../../test/support/temp";

test("a failing store gives a JSON 500 without details; the log has them", async () => {
  const dir = tempDir("api-fail");
  const db = openDb(dir.path);
  const logs: string[] = [];
  const log = createLogger("debug", (l) => logs.push(l));
  const commit = new GroupCommit(db);
  const keys = new KeyStore(db);
  const app = new Hono();
  mountApi(app, { bttns: new BttnStore(db), events: new EventStore(db, commit), status: new StatusStore(db, commit), keys, hooks: new HookStore(db), log, mqtt: { port: 1883 } });
  const http = await startHttpServer(app, 0, "127.0.0.1");
  try {
    const { token } = keys.create({ name: "admin", kind: "admin" });
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
    if (db.open) db.close();
    dir.remove();
  }
});

test.run();
