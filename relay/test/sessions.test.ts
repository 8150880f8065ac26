// The console's sessions on a fake clock (expiry, the bound on how many, ids kept only hashed) and
// the Origin check that guards writes signed in by the cookie.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Hono } from "hono";
import { ApiError, errorAnswer } from "../src/api/errors";
import { requireOwnOrigin } from "../src/api/same-origin";
import { Sessions } from "../src/api/sessions";

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test("a session lasts its ttl from sign-in, then is gone; ending one leaves the others", () => {
  const c = clock();
  const s = new Sessions({ ttlMs: 1000, max: 10, now: c.now });
  const a = s.start("k1");
  const b = s.start("k2");
  assert.is(a.session.expiresAt, 1_001_000);
  assert.is(s.get(a.id)?.keyId, "k1");
  assert.is(s.get("made-up"), undefined);
  assert.ok(s.end(b.id));
  assert.not.ok(s.end(b.id), "ended once");
  assert.is(s.get(b.id), undefined);
  c.advance(999);
  assert.ok(s.get(a.id));
  c.advance(1);
  assert.is(s.get(a.id), undefined, "expired");
  assert.is(s.size, 0);
});

test("at most `max` sessions: a new sign-in ends the oldest; ids are random and not kept in clear", () => {
  const c = clock();
  const s = new Sessions({ ttlMs: 60_000, max: 3, now: c.now });
  const ids = [1, 2, 3, 4].map((n) => {
    c.advance(1);
    return s.start("k" + n).id;
  });
  assert.is(s.size, 3);
  assert.is(s.get(ids[0]), undefined, "the oldest went");
  assert.ok(s.get(ids[3]));
  assert.is(new Set(ids).size, 4);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{43}$/);
  const kept = JSON.stringify([...(s as unknown as { open: Map<string, unknown> }).open.keys()]);
  for (const id of ids) assert.not.ok(kept.includes(id), "an id kept in clear");
});

function originApp(): Hono {
  const app = new Hono();
  app.onError((e, c) => errorAnswer(c, e as ApiError));
  app.all("/x", (c) => {
    requireOwnOrigin(c);
    return c.text("ok");
  });
  return app;
}

test("writes need the request's own Origin (scheme, host and port); reads need none", async () => {
  const app = originApp();
  const status = async (method: string, origin?: string, url = "http://relay.lan:8080/x") => (await app.request(url, { method, headers: origin === undefined ? {} : { origin } })).status;
  assert.is(await status("GET"), 200);
  assert.is(await status("GET", "http://evil.example"), 200, "a read changes nothing");
  for (const m of ["POST", "PUT", "PATCH", "DELETE"]) {
    assert.is(await status(m), 403, m + " without Origin");
    assert.is(await status(m, "http://relay.lan:8080"), 200, m + " same origin");
    assert.is(await status(m, "http://evil.example"), 403, m + " cross origin");
  }
  assert.is(await status("POST", "http://relay.lan:8081"), 403, "another port");
  assert.is(await status("POST", "https://relay.lan:8080"), 403, "another scheme");
  assert.is(await status("POST", "http://relay.lan"), 403, "default port is another port");
  assert.is(await status("POST", "null"), 403, "an opaque origin");
  assert.is(await status("POST", "garbage"), 403);
  assert.is(await status("POST", "http://RELAY.lan:8080"), 200, "host names compare as URLs do");
  assert.is(await status("POST", "https://relay.lan", "https://relay.lan:443/x"), 200, "default ports");
});

test.run();
