// The engine's one entry, `run(action, press)`: it builds the request from the press (tags, the
// dynamic URL, the Idempotency-Key), sends it through the action's layers, and says how it went,
// with the request as built (credentials are added below it, so never in `sent`) and the answer.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { httpActionSchema } from "../src/config/schema";
import { authLayer } from "../src/engine/auth/layer";
import { ActionEngine, ActionPress } from "../src/engine/engine";
import { httpServer } from "../../test/support/servers";

const press: ActionPress = {
  bttn: { id: "porch", props: { name: "Porch" } },
  eventId: 41,
  boot: "9f2c41aa",
  seq: 3,
  type: "pressed-long",
  pressedAt: Date.UTC(2026, 11, 2, 8, 30, 0),
  age: 1200,
  bat: 3.1,
  counters: { total: 9, pressed: 5, "pressed-long": 3, "pressed-double": 1, "not-pressed": 0, heartbeat: 0 },
};

test("run: tags from the press, credentials only on the wire, the answer kept", async () => {
  const seen: { url?: string; auth?: string; key?: string }[] = [];
  const server = await httpServer((q, res) => {
    seen.push({ url: q.url, auth: q.headers.authorization, key: q.headers["idempotency-key"] as string });
    res.writeHead(201, { "x-from": "hook" }).end("made");
  });
  const engine = new ActionEngine({ timeZone: "UTC" }).use((a) => (a.auth ? authLayer(a.auth) : undefined));
  try {
    const action = httpActionSchema.parse({ url: server.url("/h?who=<NAME>&t=<ETYPE>&n=<COUNTERL>&at=<TIME>"), auth: { type: "basic", username: "u", password: "pw-never-in-sent" } });
    const o = await engine.run(action, press);
    assert.equal([o.ok, o.status, o.reason], [true, 201, undefined]);
    assert.is(seen[0].url, "/h?who=Porch&t=pressed-long&n=3&at=08%3A30%3A00");
    assert.is(seen[0].auth, "Basic " + Buffer.from("u:pw-never-in-sent").toString("base64"));
    assert.is(seen[0].key, '"porch:9f2c41aa:3"');
    assert.is(o.sent?.url, server.url("/h?who=Porch&t=pressed-long&n=3&at=08%3A30%3A00"));
    assert.not.ok(JSON.stringify(o.sent).includes("pw-never-in-sent"), "no credentials in the request as built");
    assert.equal([o.answer?.status, o.answer?.body, o.answer?.headers["x-from"]], [201, "made", "hook"]);
  } finally {
    await engine.close();
    await server.close();
  }
});

test("run never throws: no dynamic URL is a no-webhook outcome without a request; a refusing server is http with its answer", async () => {
  const server = await httpServer((_q, res) => res.writeHead(503).end("busy"));
  const engine = new ActionEngine();
  try {
    const dynamic = httpActionSchema.parse({ url: "dynamic" });
    const none = await engine.run(dynamic, press);
    assert.equal([none.ok, none.reason, none.sent, none.answer], [false, "no-webhook", undefined, undefined]);
    // The press carries the URL registered for its bttn (the press path looks it up).
    const registered: ActionPress = { ...press, dynamicUrl: server.url("/registered") };
    const refused = await engine.run(dynamic, registered);
    assert.equal([refused.ok, refused.reason, refused.status, refused.answer?.body, refused.sent?.url], [false, "http", 503, "busy", server.url("/registered")]);
    assert.is(engine.request(dynamic, registered).url, server.url("/registered"), "request() is what run sends");
  } finally {
    await engine.close();
    await server.close();
  }
});

test.run();
