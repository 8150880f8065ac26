// The relay's request bins over real HTTP: /bin/<name> takes any method without a key and records
// it (masked), /api/v1/bins makes, lists, reads and deletes them for admins, and the "try it out"
// flow works on the relay alone: an action pointed at a bin, a virtual press, the request in the bin.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { apiClient, ApiClient, firstStartToken } from "./support/api-client";
import { startRig, Rig } from "./support/relay-rig";

const PASSWORD = "bin-basic-pw-77";
const BODY_TOKEN = "body-token-88";

interface Ctx {
  rig: Rig;
  api: ApiClient;
  admin: string;
}

const t = suite<Ctx>("request bins");

t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", () => ({ bttns: {} }));
  ctx.api = apiClient(() => ctx.rig.relay.httpPort);
  ctx.admin = firstStartToken(ctx.rig.logs);
  assert.is((await ctx.api.call("POST", "/bttns", { bearer: ctx.admin, json: { id: "kitchen" } })).status, 201);
});

t.after(async (ctx) => {
  await ctx.rig?.close();
});

t("try it out: a bin's URL in a GET action with form args test=test, a virtual press, the request in the bin", async ({ api, admin }) => {
  const bin = await api.call("POST", "/bins", { bearer: admin, json: { name: "try" } });
  assert.is(bin.status, 201);
  assert.equal(bin.body.url, "http://127.0.0.1:" + api.base().split(":")[2].split("/")[0] + "/bin/try");
  assert.ok(!isNaN(Date.parse(bin.body.createdAt)));
  const set = await api.call("PUT", "/bttns/kitchen/actions/pressed", {
    bearer: admin,
    json: { http: { method: "GET", url: bin.body.url, format: "form", args: { test: "test" }, auth: { type: "basic", username: "me", password: PASSWORD } } },
  });
  assert.is(set.status, 200, set.text);
  const press = await api.call("POST", "/bttns/kitchen/press", { bearer: admin, json: { type: "pressed" } });
  assert.equal([press.body.state, press.body.status], ["ok", 200]);
  const got = await api.call("GET", "/bins/try", { bearer: admin });
  assert.is(got.status, 200);
  assert.is(got.body.requests.length, 1);
  const q = got.body.requests[0];
  assert.equal([q.method, q.path, q.query, q.body, q.bodyBytes, q.truncated], ["GET", "/bin/try", { test: "test" }, "", 0, false]);
  assert.is(q.headers.authorization, "[redacted]", "the action's credentials are masked");
  assert.match(q.headers["idempotency-key"], /^"kitchen:virtual:\d+"$/);
  assert.equal((await api.call("GET", "/bins", { bearer: admin })).body.bins.map((b: { name: string; count: number }) => [b.name, b.count]), [["try", 1]]);
});

t("any method and path under the bin, no key; secrets masked; newest first; big bodies cut, too big refused", async ({ api, admin }) => {
  const bin = (await api.call("POST", "/bins", { bearer: admin })).body;
  assert.match(bin.name, /^[a-z0-9x]{8}$/, "a random name");
  const post = await fetch(bin.url + "/deep/path?a=1&a=2&api_key=k", {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "abc", "x-plain": "shown" },
    body: JSON.stringify({ who: "me", token: BODY_TOKEN }),
  });
  assert.equal([post.status, await post.json()], [200, { ok: true }]);
  assert.is((await fetch(bin.url, { method: "DELETE" })).status, 200);
  const big = await fetch(bin.url, { method: "PUT", headers: { "content-type": "text/plain" }, body: "x".repeat(20_000) });
  assert.is(big.status, 200);
  const tooBig = await fetch(bin.url, { method: "POST", body: "y".repeat(1024 * 1024 + 1) });
  assert.is(tooBig.status, 413);
  assert.match(((await tooBig.json()) as { error: string }).error, /larger than 1024 KiB/);
  const reqs = (await api.call("GET", "/bins/" + bin.name, { bearer: admin })).body.requests;
  assert.equal(reqs.map((r: { method: string }) => r.method), ["PUT", "DELETE", "POST"], "newest first; the refused one not kept");
  assert.equal([reqs[0].bodyBytes, reqs[0].body.length, reqs[0].truncated], [20_000, 16_384, true]);
  const p = reqs[2];
  assert.equal([p.path, p.query], ["/bin/" + bin.name + "/deep/path", { a: ["1", "2"], api_key: "[redacted]" }]);
  assert.equal([p.headers["x-api-key"], p.headers["x-plain"]], ["[redacted]", "shown"]);
  assert.equal(JSON.parse(p.body), { who: "me", token: "[redacted]" });
  assert.ok(reqs[0].id > reqs[1].id && reqs[1].id > reqs[2].id);
});

t("a bin keeps its last 100 requests", async ({ api, admin }) => {
  const bin = (await api.call("POST", "/bins", { bearer: admin, json: { name: "many" } })).body;
  for (let i = 0; i < 105; i++) {
    const r = await fetch(bin.url + "?i=" + i).catch((e) => {
      throw new Error("fetch " + i + ": " + e.cause);
    });
    assert.is(r.status, 200);
  }
  const reqs = (await api.call("GET", "/bins/many", { bearer: admin })).body.requests;
  assert.is(reqs.length, 100);
  assert.equal([reqs[0].query.i, reqs[99].query.i], ["104", "5"]);
});

t("refusals: unknown bin 404 (both sides), a taken name 409, a bad name 400, more than 20 bins 409, keys and strangers refused", async ({ api, admin }) => {
  assert.is((await fetch(api.base().replace("/api/v1", "") + "/bin/nope")).status, 404);
  // A URL client resolves a dot-dot name before sending (to `/`, the console's page): no bin takes it.
  const dots = await fetch(api.base().replace("/api/v1", "") + "/bin/" + "%2e%2e");
  assert.not.ok((await dots.text()).includes('"ok":true'), "a dot-dot name reaches no bin");
  assert.is((await api.call("GET", "/bins/nope", { bearer: admin })).status, 404);
  assert.is((await api.call("DELETE", "/bins/nope", { bearer: admin })).status, 404);
  assert.is((await api.call("POST", "/bins", { bearer: admin, json: { name: "try" } })).status, 409);
  for (const name of ["", "a b", "x".repeat(41), "../x", 5] as unknown[]) {
    const a = await api.call("POST", "/bins", { bearer: admin, json: { name } });
    assert.equal([a.status, a.body.path], [400, "name"], JSON.stringify(name));
  }
  assert.is((await api.call("POST", "/bins", { bearer: admin, json: { extra: 1 } })).status, 400);
  const have = (await api.call("GET", "/bins", { bearer: admin })).body.bins.length;
  for (let i = have; i < 20; i++) assert.is((await api.call("POST", "/bins", { bearer: admin, json: { name: "b" + i } })).status, 201);
  const full = await api.call("POST", "/bins", { bearer: admin });
  assert.is(full.status, 409);
  assert.match(full.body.error, /20 bins already/);
  assert.is((await api.call("GET", "/bins")).status, 401);
  const key = (await api.call("POST", "/keys", { bearer: admin, json: { name: "ha", bttns: ["kitchen"] } })).body.key;
  assert.is((await api.call("GET", "/bins", { key })).status, 403);
  assert.is((await api.call("GET", "/bins/try", { key })).status, 403);
});

t("delete: the bin and its requests go; its URL answers 404", async ({ api, admin }) => {
  const url = (await api.call("GET", "/bins/try", { bearer: admin })).body.url;
  assert.is((await api.call("DELETE", "/bins/try", { bearer: admin })).status, 204);
  assert.is((await api.call("GET", "/bins/try", { bearer: admin })).status, 404);
  assert.is((await fetch(url)).status, 404);
  assert.is((await api.call("POST", "/bins", { bearer: admin, json: { name: "try" } })).status, 201, "a place is free again, the name too");
});

t("no secret in any answer or the log", ({ api, rig }) => {
  for (const a of api.answers) for (const s of [PASSWORD, BODY_TOKEN]) assert.not.ok(a.text.includes(s), a.method + " " + a.path);
  for (const s of [PASSWORD, BODY_TOKEN]) assert.not.ok(rig.logs.some((l) => l.includes(s)));
});

t.run();
