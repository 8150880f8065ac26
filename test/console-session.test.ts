// The web console's sign-in over real HTTP against a real relay: the admin token exchanged for an
// HttpOnly cookie that then counts as the admin, writes refused without the relay's own Origin,
// sign-out, a revoked token ending its sessions, wrong tokens slowed down per address, and neither
// the token nor the cookie ever in an answer or the log.
import { request } from "node:http";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { apiClient, ApiClient, firstStartToken } from "./support/api-client";
import { startRig, Rig } from "./support/relay-rig";
import { sleep } from "./support/temp";

interface Ctx {
  rig: Rig;
  api: ApiClient;
  admin: string;
  origin: string;
}

const t = suite<Ctx>("console sessions");

t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", () => ({ bttns: { porch: { secret: "porch-secret-1", actions: {} } } }));
  ctx.api = apiClient(() => ctx.rig.relay.httpPort);
  ctx.admin = firstStartToken(ctx.rig.logs);
  ctx.origin = "http://127.0.0.1:" + ctx.rig.relay.httpPort;
});

t.after(async (ctx) => {
  await ctx.rig?.close();
});

/** A POST with a Host header of our choice (fetch sets its own), answering the status. */
function postWithHost(port: number, host: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((res, rej) => {
    const q = request({ host: "127.0.0.1", port, method: "POST", path: "/api/v1/keys", headers: { ...headers, host, "content-type": "application/json" } }, (r) => {
      r.resume();
      r.on("end", () => res(r.statusCode!));
    });
    q.on("error", rej);
    q.end(body);
  });
}

/** Signs in and returns the cookie pair `bttn_session=...` to send back. */
async function signIn(ctx: Ctx, token = ctx.admin): Promise<string> {
  const a = await ctx.api.call("POST", "/session", { json: { token }, headers: { origin: ctx.origin } });
  assert.is(a.status, 204, a.text);
  return a.headers.get("set-cookie")!.split(";")[0];
}

t("sign in: 204 and an HttpOnly, SameSite=Strict cookie for 12 hours; GET /session says until when", async (ctx) => {
  const a = await ctx.api.call("POST", "/session", { json: { token: ctx.admin } }); // no Origin: curl may sign in too
  assert.is(a.status, 204);
  const set = a.headers.get("set-cookie")!;
  assert.match(set, /^bttn_session=[A-Za-z0-9_-]{43}; /);
  for (const attr of ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"]) assert.ok(set.includes(attr), attr + " in " + set);
  assert.not.ok(/Secure/.test(set), "not Secure over plain HTTP");
  const cookie = set.split(";")[0];
  const s = await ctx.api.call("GET", "/session", { headers: { cookie } });
  assert.is(s.status, 200);
  const left = Date.parse(s.body.expiresAt) - Date.now();
  assert.ok(left > 43_000_000 && left <= 43_200_000, "about 12 h left: " + left);
  assert.is((await ctx.api.call("GET", "/session")).status, 401, "no cookie");
  assert.is((await ctx.api.call("GET", "/session", { headers: { cookie: "bttn_session=forged" } })).status, 401, "a made-up cookie");
});

t("wrong token 401, an API key that is not an admin token 403, bad bodies 400; nothing set", async (ctx) => {
  const wrong = await ctx.api.call("POST", "/session", { json: { token: "bttn_0123456789abcdef_" + "x".repeat(32) } });
  assert.is(wrong.status, 401);
  assert.match(wrong.body.error, /wrong token/);
  assert.is(wrong.headers.get("set-cookie"), null);
  const key = await ctx.api.call("POST", "/keys", { bearer: ctx.admin, json: { name: "ha", bttns: ["porch"] } });
  const asKey = await ctx.api.call("POST", "/session", { json: { token: key.body.key } });
  assert.is(asKey.status, 403);
  assert.match(asKey.body.error, /not an admin token/);
  assert.is((await ctx.api.call("POST", "/session", { json: {} })).body.path, "token");
  assert.is((await ctx.api.call("POST", "/session", { raw: "token=x" })).status, 400);
  assert.is((await ctx.api.call("POST", "/session", { json: { token: ctx.admin, extra: 1 } })).status, 400);
});

t("the cookie is the admin: reads need nothing more, writes need the relay's own Origin; bearer callers unchanged", async (ctx) => {
  const cookie = await signIn(ctx);
  assert.is((await ctx.api.call("GET", "/keys", { headers: { cookie } })).status, 200);
  assert.is((await ctx.api.call("GET", "/bttns/porch", { headers: { cookie } })).body.actions !== undefined, true, "sees actions, as admins do");

  const body = { name: "from-console", kind: "admin" };
  const none = await ctx.api.call("POST", "/keys", { headers: { cookie }, json: body });
  assert.is(none.status, 403);
  assert.match(none.body.error, /needs an Origin header/);
  for (const origin of ["http://evil.example", "http://127.0.0.1:1", "null", "https://127.0.0.1:" + ctx.rig.relay.httpPort, "not a url"]) {
    const cross = await ctx.api.call("POST", "/keys", { headers: { cookie, origin }, json: body });
    assert.is(cross.status, 403, origin);
  }
  assert.is((await ctx.api.call("DELETE", "/bttns/porch/actions/pressed", { headers: { cookie, origin: "http://evil.example" } })).status, 403, "DELETE too");
  const ok = await ctx.api.call("POST", "/keys", { headers: { cookie, origin: ctx.origin }, json: body });
  assert.is(ok.status, 201);
  // The Host the browser used is the origin: a relay reached as localhost checks against that.
  const asLocalhost = (origin: string) => postWithHost(ctx.rig.relay.httpPort, "localhost:" + ctx.rig.relay.httpPort, { cookie, origin }, JSON.stringify(body));
  assert.is(await asLocalhost("http://localhost:" + ctx.rig.relay.httpPort), 201);
  assert.is(await asLocalhost(ctx.origin), 403, "the page was loaded from another host name than the request's");
  assert.is((await ctx.api.call("POST", "/keys", { bearer: ctx.admin, json: body })).status, 201, "a bearer token needs no Origin");
  // A bearer token wins over a cookie, and a bad one is not rescued by it.
  assert.is((await ctx.api.call("GET", "/keys", { bearer: "bttn_0123456789abcdef_" + "y".repeat(32), headers: { cookie } })).status, 401);
  const cross = await ctx.api.call("POST", "/session", { json: { token: ctx.admin }, headers: { origin: "http://evil.example" } });
  assert.is(cross.status, 403, "no sign-in from another site's page");
});

t("sign out: the Origin is checked, the session ends server-side and the cookie is cleared", async (ctx) => {
  const cookie = await signIn(ctx);
  assert.is((await ctx.api.call("DELETE", "/session", { headers: { cookie } })).status, 403, "no Origin: not signed out by another site");
  assert.is((await ctx.api.call("GET", "/session", { headers: { cookie } })).status, 200);
  const out = await ctx.api.call("DELETE", "/session", { headers: { cookie, origin: ctx.origin } });
  assert.is(out.status, 204);
  assert.match(out.headers.get("set-cookie")!, /^bttn_session=; Max-Age=0; /);
  assert.is((await ctx.api.call("GET", "/session", { headers: { cookie } })).status, 401);
  const after = await ctx.api.call("GET", "/keys", { headers: { cookie } });
  assert.is(after.status, 401, "the old cookie, replayed, is refused");
  assert.match(after.body.error, /sign in again/);
  assert.is((await ctx.api.call("DELETE", "/session", { headers: { cookie, origin: ctx.origin } })).status, 204, "signing out twice is fine");
});

t("revoking the admin token that signed in ends its sessions", async (ctx) => {
  const extra = await ctx.api.call("POST", "/keys", { bearer: ctx.admin, json: { name: "temp admin", kind: "admin" } });
  const cookie = await signIn(ctx, extra.body.key);
  assert.is((await ctx.api.call("GET", "/keys", { headers: { cookie } })).status, 200);
  assert.is((await ctx.api.call("DELETE", "/keys/" + extra.body.id, { bearer: ctx.admin })).status, 204);
  assert.is((await ctx.api.call("GET", "/keys", { headers: { cookie } })).status, 401);
  assert.is((await ctx.api.call("GET", "/session", { headers: { cookie } })).status, 401);
});

t("repeated wrong tokens from one address: 429 with Retry-After, the right token too, until the lockout ends", async (ctx) => {
  const wrong = () => ctx.api.call("POST", "/session", { json: { token: "guess-" + Math.random() } });
  for (let i = 0; i < 5; i++) assert.is((await wrong()).status, 401, "failure " + (i + 1));
  const locked = await wrong();
  assert.is(locked.status, 429);
  assert.is(locked.headers.get("retry-after"), "2");
  assert.match(locked.body.error, /too many wrong tokens/);
  assert.is((await ctx.api.call("POST", "/session", { json: { token: ctx.admin } })).status, 429, "the right token waits too");
  await sleep(2100);
  assert.is((await ctx.api.call("POST", "/session", { json: { token: ctx.admin } })).status, 204, "after the lockout");
});

t("the admin token and the session cookies appear in no answer and in the log only in the first-start line", async (ctx) => {
  const cookie = await signIn(ctx);
  const id = cookie.split("=")[1];
  for (const a of ctx.api.answers) {
    assert.not.ok(a.text.includes(ctx.admin), a.method + " " + a.path + " shows the token");
    assert.not.ok(a.text.includes(id), a.method + " " + a.path + " shows the session id");
  }
  const lines = ctx.rig.logs.filter((l) => l.includes(ctx.admin));
  assert.is(lines.length, 1);
  assert.ok(lines[0].includes("ADMIN TOKEN"));
  assert.not.ok(ctx.rig.logs.some((l) => l.includes(id)), "a session id in the log");
  assert.ok(ctx.rig.logs.some((l) => l.includes("console signed in")));
  assert.ok(ctx.rig.logs.some((l) => l.includes("console sign-in with a wrong token refused")));
});

t.run();
