// The REST API over real HTTP against a real relay: the admin token of the first start, keys,
// the read API, the admin API for bttns and actions, every refusal with its status and field path,
// the OpenAPI description against the routes really served, and secrets that never leak.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { checkDeviceFile, DeviceFile } from "@bttn/shared";
import { ADMIN_TOKEN_LINE } from "../relay/src/api/admin-token";
import { Answer, apiClient, ApiClient, eventually, firstStartToken } from "./support/api-client";
import { runCli } from "./support/cli";
import { connectDevice } from "./support/device";
import { startRig, Rig } from "./support/relay-rig";
import { waitFor } from "./support/temp";

const KITCHEN_SECRET = "kitchen-secret-1";
const HALL_SECRET = "hall-secret-123";
const AUTH_PASSWORD = "auth-pw-4711";
const HEADER_SECRET = "header-tok-0815";
const ARG_SECRET = "arg-secret-2342";
const URL_KEY = "urlkey-9999";

interface Ctx {
  rig: Rig;
  api: ApiClient;
  admin: string;
  /** Each secret the relay made or was given, and the one answer allowed to show it (if any). */
  secrets: Map<string, Answer | undefined>;
}

const t = suite<Ctx>("REST API");

t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", (sink) => ({
    bttns: {
      kitchen: {
        name: "Kitchen",
        location: "Ground floor",
        secret: KITCHEN_SECRET,
        actions: {
          pressed: {
            http: {
              method: "POST",
              url: sink.url("/kitchen?api_key=" + URL_KEY + "&n=<COUNTER>"),
              format: "json",
              args: { n: "<COUNTER>", password: ARG_SECRET },
              headers: { "X-Token": HEADER_SECRET, "X-Plain": "visible" },
              auth: { type: "basic", username: "relay", password: AUTH_PASSWORD },
            },
          },
        },
      },
      hall: { secret: HALL_SECRET, actions: {} },
    },
  }));
  ctx.api = apiClient(() => ctx.rig.relay.httpPort);
  ctx.admin = firstStartToken(ctx.rig.logs);
  ctx.secrets = new Map<string, Answer | undefined>([
    [KITCHEN_SECRET, undefined],
    [HALL_SECRET, undefined],
    [AUTH_PASSWORD, undefined],
    [HEADER_SECRET, undefined],
    [ARG_SECRET, undefined],
    [URL_KEY, undefined],
  ]);
});
t.after(async (ctx) => ctx.rig?.close());

/** Makes a key for `bttns` through the API and remembers its one showing. */
async function makeKey(ctx: Ctx, name: string, bttns: string[], kind?: "key" | "admin") {
  const a = await ctx.api.call("POST", "/keys", { bearer: ctx.admin, json: { name, bttns: kind === "admin" ? undefined : bttns, kind } });
  assert.is(a.status, 201, a.text);
  ctx.secrets.set(a.body.key, a);
  return { id: a.body.id as string, key: a.body.key as string };
}

function expectError(a: Answer, status: number, path?: string, where?: string) {
  assert.is(a.status, status, a.method + " " + a.path + " → " + a.status + " " + a.text);
  assert.type(a.body?.error, "string", "a JSON error with a reason");
  assert.match(a.headers.get("content-type") ?? "", /application\/json/);
  assert.not.match(a.text, /\bat .*\.ts:\d+/, "no stack trace");
  if (path !== undefined) assert.is(a.body.path, path, a.text);
  if (where !== undefined) assert.is(a.body.in, where, a.text);
}

t("first start: the admin token is logged once, marked, at warn, and works as Bearer and as X-Api-Key", async (ctx) => {
  const { rig, api, admin } = ctx;
  ctx.secrets.set(admin, undefined);
  const line = rig.logs.find((l) => l.includes(ADMIN_TOKEN_LINE))!;
  assert.match(line, /^\S+ warn  ==== ADMIN TOKEN/);
  const bearer = await api.call("GET", "/bttns", { bearer: admin });
  assert.is(bearer.status, 200);
  assert.equal(
    bearer.body.bttns.map((b: { id: string }) => b.id),
    ["hall", "kitchen"],
  );
  assert.equal(bearer.body.bttns[1], { id: "kitchen", origin: "file", name: "Kitchen", location: "Ground floor", events: ["pressed"] });
  assert.is((await api.call("GET", "/bttns", { key: admin })).status, 200);
  await rig.restart();
  assert.is(rig.logs.filter((l) => l.includes(ADMIN_TOKEN_LINE)).length, 1, "no new token at the next start");
  assert.is((await api.call("GET", "/keys", { bearer: admin })).status, 200, "the token outlives a restart");
});

t("401 without a key, with a malformed, unknown or wrong one; logged without the key", async ({ rig, api, admin }) => {
  const none = await api.call("GET", "/bttns");
  expectError(none, 401);
  assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
  const adminId = /^bttn_([0-9a-f]{16})_/.exec(admin)![1];
  const offered = ["hello-there-key", "bttn_" + "0".repeat(16) + "_" + "A".repeat(32), "bttn_" + adminId + "_" + "B".repeat(32)];
  for (const key of offered) {
    const a = await api.call("GET", "/bttns", { key });
    expectError(a, 401);
    assert.is(a.body.error, "invalid API key", "one message whatever the cause");
  }
  expectError(await api.call("GET", "/bttns", { headers: { authorization: "Basic dXNlcjpwdw==" } }), 401);
  expectError(await api.call("POST", "/hooks", { json: { url: "http://127.0.0.1/x" } }), 401, undefined);
  const refusals = rig.logs.filter((l) => l.includes("invalid credentials refused"));
  // One line per address and cause (the two malformed ones share theirs; repeats are summarised).
  assert.ok(refusals.length >= 3, "each cause of refusal is logged");
  assert.ok(refusals.some((l) => l.includes("why=malformed")) && refusals.some((l) => l.includes("why=unknown")) && refusals.some((l) => l.includes("why=wrong-secret")));
  assert.ok(refusals.every((l) => /from=\S*127\.0\.0\.1/.test(l)), "the caller's address (from the HTTP server) is in each line: " + refusals.join("\n"));
  for (const l of rig.logs) for (const k of offered) assert.not.ok(l.includes(k.slice(-20)), "the offered key is not logged: " + l);
});

t("keys: an admin makes, lists and revokes them; shown once; a revoked key gets 401", async (ctx) => {
  const { api, admin } = ctx;
  const k = await makeKey(ctx, "kitchen server", ["kitchen"]);
  assert.match(k.key, /^bttn_[0-9a-f]{16}_[A-Za-z0-9_-]{32}$/);
  const list = await api.call("GET", "/keys", { bearer: admin });
  assert.is(list.status, 200);
  const listed = list.body.keys.find((x: { id: string }) => x.id === k.id);
  assert.equal(Object.keys(listed).sort(), ["bttns", "createdAt", "id", "kind", "name", "revokedAt"]);
  assert.equal([listed.kind, listed.name, listed.bttns, listed.revokedAt], ["key", "kitchen server", ["kitchen"], null]);
  assert.ok(list.body.keys.some((x: { kind: string; name: string }) => x.kind === "admin" && x.name === "first start"));

  assert.is((await api.call("GET", "/bttns", { key: k.key })).status, 200);
  expectError(await api.call("GET", "/keys", { key: k.key }), 403);
  expectError(await api.call("POST", "/keys", { key: k.key, json: { name: "x", bttns: ["kitchen"] } }), 403);

  assert.is((await api.call("DELETE", "/keys/" + k.id, { bearer: admin })).status, 204);
  expectError(await api.call("GET", "/bttns", { key: k.key }), 401);
  const after = await api.call("GET", "/keys", { bearer: admin });
  assert.type(after.body.keys.find((x: { id: string }) => x.id === k.id).revokedAt, "string");
  expectError(await api.call("DELETE", "/keys/0000000000000000", { bearer: admin }), 404);

  // Another admin token through the API works like the first.
  const second = await makeKey(ctx, "second admin", [], "admin");
  assert.is((await api.call("GET", "/keys", { bearer: second.key })).status, 200);
});

t("keys: bad bodies are 400 with the field's path", async ({ api, admin }) => {
  const post = (json: unknown) => api.call("POST", "/keys", { bearer: admin, json });
  expectError(await post({}), 400, "name", "body");
  expectError(await post({ name: "x" }), 400, "bttns", "body");
  expectError(await post({ name: "x", bttns: ["nope"] }), 400, "bttns.0", "body");
  expectError(await post({ name: "x", bttns: ["kitchen", "bad id!"] }), 400, "bttns.1", "body");
  expectError(await post({ name: "x", bttns: ["kitchen"], extra: 1 }), 400, "extra", "body");
  expectError(await post({ name: "x", kind: "admin", bttns: ["kitchen"] }), 400, "bttns", "body");
  expectError(await post({ name: "x", kind: "root", bttns: ["kitchen"] }), 400, "kind", "body");
  expectError(await post([1, 2]), 400, "", "body");
  expectError(await api.call("POST", "/keys", { bearer: admin, raw: "{not json", headers: { "content-type": "application/json" } }), 400, "", "body");
  expectError(await api.call("POST", "/keys", { bearer: admin }), 400, "", "body");
  expectError(await api.call("POST", "/keys", { bearer: admin, raw: JSON.stringify({ name: "x".repeat(70 * 1024), bttns: ["kitchen"] }) }), 413);
});

t("read API: a key sees its bttns only (403 for others), an admin all; 404 for unknown ids", async (ctx) => {
  const { api, admin } = ctx;
  const k = await makeKey(ctx, "reader", ["kitchen"]);
  const list = await api.call("GET", "/bttns", { key: k.key });
  assert.equal(
    list.body.bttns.map((b: { id: string }) => b.id),
    ["kitchen"],
  );
  const info = await api.call("GET", "/bttns/kitchen", { key: k.key });
  assert.is(info.status, 200);
  assert.equal([info.body.id, info.body.name, info.body.location, info.body.events, info.body.origin], ["kitchen", "Kitchen", "Ground floor", ["pressed"], "file"]);
  assert.is(info.body.actions, undefined, "a key does not see where the actions call");
  for (const p of ["/bttns/hall", "/bttns/hall/feed", "/bttns/hall/counter", "/bttns/hall/status", "/bttns/nope"]) expectError(await api.call("GET", p, { key: k.key }), 403);
  for (const p of ["/bttns/nope", "/bttns/nope/feed", "/bttns/nope/counter", "/bttns/nope/status"]) expectError(await api.call("GET", p, { bearer: admin }), 404);
  expectError(await api.call("GET", "/nothing/here", { bearer: admin }), 404);
  expectError(await api.call("DELETE", "/hooks/0123456789abcdef", { key: k.key }), 404);

  // An admin sees the actions, with every secret in them redacted and the rest as written.
  const full = await api.call("GET", "/bttns/kitchen", { bearer: admin });
  const http = full.body.actions.pressed.http;
  assert.is(http.auth.password, "[redacted]");
  assert.is(http.auth.username, "relay");
  assert.is(http.headers["X-Token"], "[redacted]");
  assert.is(http.headers["X-Plain"], "visible");
  assert.is(http.args.password, "[redacted]");
  assert.is(http.args.n, "<COUNTER>");
  assert.match(http.url, /api_key=%5Bredacted%5D|api_key=\[redacted\]/);
  assert.not.ok(full.text.includes(URL_KEY));
});

t("feed, counter and status after presses; feed filters are validated", async (ctx) => {
  const { rig, api, admin } = ctx;
  const k = await makeKey(ctx, "feed reader", ["kitchen"]);
  const d = await rig.device("kitchen");
  const s1 = await d.press("pressed", { bat: 3.1, rssi: -61 });
  assert.is((await d.result(s1)).state, "ok");
  const s2 = await d.press("pressed-long");
  assert.equal((await d.result(s2)).reason, "no-action");
  const sink = rig.sink.received.find((r) => r.url.startsWith("/kitchen"))!;
  assert.ok(sink, "the action ran");

  const feedOf = async (q = "") => (await api.call("GET", "/bttns/kitchen/feed" + q, { key: k.key })).body.events as Array<Record<string, any>>;
  const events = await eventually(async () => {
    const e = await feedOf();
    return e.length === 2 && e.every((x) => x.state !== "running") ? e : undefined;
  }, 3000, "both events finished in the feed");
  assert.equal(
    events.map((e) => [e.type, e.state, e.reason]),
    [
      ["pressed-long", "fail", "no-action"],
      ["pressed", "ok", null],
    ],
  );
  const run = events[1].runs[0];
  assert.equal([run.method, run.status], ["POST", 200]);
  assert.not.ok(run.url.includes(URL_KEY), "the stored run's URL is redacted");
  assert.equal(
    (await feedOf("?type=pressed")).map((e) => e.type),
    ["pressed"],
  );
  assert.equal(
    (await feedOf("?limit=1")).map((e) => e.type),
    ["pressed-long"],
  );
  assert.equal(
    (await feedOf("?after=" + events[1].id)).map((e) => e.id),
    [events[0].id],
  );

  const q = (s: string) => api.call("GET", "/bttns/kitchen/feed?" + s, { key: k.key });
  expectError(await q("limit=0"), 400, "limit", "query");
  expectError(await q("limit=5000"), 400, "limit", "query");
  expectError(await q("limit=abc"), 400, "limit", "query");
  expectError(await q("after=-1"), 400, "after", "query");
  expectError(await q("type=pressed-sideways"), 400, "type", "query");
  expectError(await q("filter=pressed"), 400, "filter", "query");
  expectError(await api.call("GET", "/bttns?x=1", { key: k.key }), 400, "x", "query");

  const counter = await api.call("GET", "/bttns/kitchen/counter", { key: k.key });
  assert.equal(counter.body, { total: 2, pressed: 1, "pressed-long": 1, "pressed-double": 0, "not-pressed": 0, heartbeat: 0 });
  const status = await eventually(async () => {
    const s = (await api.call("GET", "/bttns/kitchen/status", { key: k.key })).body;
    return s.lastHeard ? s : undefined;
  }, 3000, "status written");
  assert.equal([status.online, status.bat, status.rssi], [true, 3.1, -61]);
  assert.ok(Date.parse(status.lastHeard) > Date.now() - 60_000);
  assert.ok(admin);
});

t("admin: create a bttn (its device file connects and presses), replace it, set and remove actions, new secret, remove", async (ctx) => {
  const { rig, api, admin } = ctx;
  const create = await api.call("POST", "/bttns", {
    bearer: admin,
    json: { id: "porch", name: "Porch", actions: { pressed: { http: { url: rig.sink.url("/porch"), args: { n: "<COUNTER>" } } } }, deviceFile: { wifi: { ssid: "home" } } },
  });
  assert.is(create.status, 201, create.text);
  const file = create.body.deviceFile as DeviceFile;
  ctx.secrets.set(create.body.secret, create);
  assert.is(file.secret, create.body.secret);
  assert.is(checkDeviceFile(file), "");
  assert.equal([file.id, file.relay, file.wifi], ["porch", { host: "127.0.0.1", port: rig.mqttPort }, { ssid: "home" }]);
  assert.equal([create.body.bttn.origin, create.body.bttn.events], ["api", ["pressed"]]);

  const d = await connectDevice({ port: file.relay.port, id: file.id, secret: file.secret });
  assert.is((await d.result(await d.press("pressed"))).state, "ok");
  assert.ok(rig.sink.received.some((r) => r.url === "/porch?n=1"));
  await d.close();

  expectError(await api.call("POST", "/bttns", { bearer: admin, json: { id: "porch" } }), 409);
  expectError(await api.call("POST", "/bttns", { bearer: admin, json: { id: "kitchen" } }), 409);

  const put = await api.call("PUT", "/bttns/porch", { bearer: admin, json: { name: "Front porch", location: "Outside" } });
  assert.is(put.status, 200, put.text);
  assert.equal([put.body.name, put.body.location, put.body.events], ["Front porch", "Outside", []], "PUT replaces: the action left out is gone");

  const setLong = await api.call("PUT", "/bttns/porch/actions/pressed-long", { bearer: admin, json: { http: { url: rig.sink.url("/long"), method: "POST" } } });
  assert.is(setLong.status, 200, setLong.text);
  assert.equal(setLong.body.events, ["pressed-long"]);
  assert.is(setLong.body.actions["pressed-long"].http.method, "POST");
  expectError(await api.call("PUT", "/bttns/porch/actions/pressed-sideways", { bearer: admin, json: { http: { url: rig.sink.url("/x") } } }), 400, "event", "path");
  expectError(await api.call("PUT", "/bttns/porch/actions/pressed", { bearer: admin, json: { http: { url: "nope" } } }), 400, "http.url", "body");
  expectError(await api.call("PUT", "/bttns/porch/actions/pressed", { bearer: admin, json: { http: { url: rig.sink.url("/x"), timeout: 5 } } }), 400, "http.timeout", "body");
  expectError(await api.call("PUT", "/bttns/nope/actions/pressed", { bearer: admin, json: { http: { url: rig.sink.url("/x") } } }), 404);
  assert.is((await api.call("DELETE", "/bttns/porch/actions/pressed-long", { bearer: admin })).status, 204);
  expectError(await api.call("DELETE", "/bttns/porch/actions/pressed-long", { bearer: admin }), 404);

  const rotated = await api.call("POST", "/bttns/porch/secret", { bearer: admin });
  assert.is(rotated.status, 200, rotated.text);
  ctx.secrets.set(rotated.body.secret, rotated);
  assert.is.not(rotated.body.secret, file.secret);
  assert.is(rotated.body.deviceFile.secret, rotated.body.secret);
  await waitFor(async () => (await rig.relay.bttns.authenticate("porch", rotated.body.secret)) || undefined, 2000, "new secret");
  const refused = await connectDevice({ port: rig.mqttPort, id: "porch", secret: file.secret }).then(
    (x) => (x.close(), false),
    () => true,
  );
  assert.ok(refused, "the old secret no longer connects");
  const again = await connectDevice({ port: rig.mqttPort, id: "porch", secret: rotated.body.secret });
  await again.close();

  assert.is((await api.call("DELETE", "/bttns/porch", { bearer: admin })).status, 204);
  expectError(await api.call("GET", "/bttns/porch", { bearer: admin }), 404);
  expectError(await api.call("DELETE", "/bttns/porch", { bearer: admin }), 404);
  expectError(await api.call("PUT", "/bttns/porch", { bearer: admin, json: {} }), 404);
  expectError(await api.call("POST", "/bttns/porch/secret", { bearer: admin }), 404);
});

t("admin: bttns from the config file are read-only (409 saying to edit the file); bad bodies are 400 with the path", async (ctx) => {
  const { rig, api, admin } = ctx;
  const k = await makeKey(ctx, "not an admin", ["kitchen"]);
  const writes: Array<[string, string, unknown]> = [
    ["PUT", "/bttns/kitchen", { name: "x" }],
    ["DELETE", "/bttns/kitchen", undefined],
    ["POST", "/bttns/kitchen/secret", undefined],
    ["PUT", "/bttns/kitchen/actions/pressed", { http: { url: rig.sink.url("/x") } }],
    ["DELETE", "/bttns/kitchen/actions/pressed", undefined],
  ];
  for (const [m, p, json] of writes) {
    const a = await api.call(m, p, { bearer: admin, json });
    expectError(a, 409);
    assert.match(a.body.error, /config file/);
    expectError(await api.call(m, p, { key: k.key, json }), 403);
    expectError(await api.call(m, p, { json }), 401);
  }
  assert.is(rig.relay.bttns.get("kitchen")!.props.name, "Kitchen", "nothing changed");

  const post = (json: unknown) => api.call("POST", "/bttns", { bearer: admin, json });
  expectError(await post({ id: "bad id!" }), 400, "id", "body");
  expectError(await post({ name: "no id" }), 400, "id", "body");
  expectError(await post({ id: "x", actions: { pressed: { http: { url: "gopher://x" } } } }), 400, "actions.pressed.http.url", "body");
  expectError(await post({ id: "x", actions: { pressed: { http: { url: rig.sink.url("/x"), method: "TRACE" } } } }), 400, "actions.pressed.http.method", "body");
  expectError(await post({ id: "x", actions: { "pressed-sideways": { http: { url: rig.sink.url("/x") } } } }), 400, "actions.pressed-sideways", "body");
  expectError(await post({ id: "x", device: { longMs: 5 } }), 400, "device.longMs", "body");
  expectError(await post({ id: "x", secret: "mine" }), 400, "secret", "body");
  expectError(await post({ id: "x", deviceFile: { relayHost: "a b" } }), 400, "deviceFile.relayHost", "body");
  expectError(await post({ id: "x", timeZone: "Mars/Olympus" }), 400, "timeZone", "body");
  expectError(await api.call("POST", "/bttns", { bearer: admin, raw: "x".repeat(65 * 1024) }), 413);
  // Over the limit without a Content-Length (chunked): refused while reading.
  const chunked = await fetch(api.base() + "/bttns", {
    method: "POST",
    headers: { authorization: "Bearer " + admin },
    body: new ReadableStream({
      start(c) {
        for (let i = 0; i < 70; i++) c.enqueue(new TextEncoder().encode("x".repeat(1024)));
        c.close();
      },
    }),
    duplex: "half",
  } as RequestInit);
  assert.is(chunked.status, 413);
  assert.not.ok(rig.relay.bttns.get("x"), "nothing was created by a refused body");
});

t("CLI: admin token and keys create, list and revoke work on the running relay at once", async (ctx) => {
  const { rig, api } = ctx;
  const data = ["--data", rig.dataDir];
  const [tok, made] = await Promise.all([runCli(["admin", "token", "--name", "ops", ...data]), runCli(["keys", "create", "--name", "cli server", "--bttn", "kitchen", ...data])]);
  assert.is(tok.code, 0, tok.stderr);
  const adminToken = tok.stdout.trim();
  ctx.secrets.set(adminToken, undefined);
  assert.not.ok(tok.stderr.includes(adminToken), "printed once, on stdout");
  assert.is((await api.call("GET", "/keys", { bearer: adminToken })).status, 200);

  assert.is(made.code, 0, made.stderr);
  const key = made.stdout.trim();
  ctx.secrets.set(key, undefined);
  const seen = await api.call("GET", "/bttns", { key });
  assert.equal(
    seen.body.bttns.map((b: { id: string }) => b.id),
    ["kitchen"],
  );

  const list = await runCli(["keys", "list", ...data]);
  assert.is(list.code, 0, list.stderr);
  const id = /^bttn_([0-9a-f]{16})_/.exec(key)![1];
  assert.match(list.stdout, new RegExp("^" + id + "\\tkey\\tactive\\tcli server\\tkitchen\\t", "m"));
  assert.match(list.stdout, /\tadmin\tactive\tops\t\*\t/);
  assert.not.ok(list.stdout.includes(key.slice(-32)) || list.stdout.includes(adminToken.slice(-32)), "keys list never shows a key");

  const revoke = await runCli(["keys", "revoke", id, ...data]);
  assert.is(revoke.code, 0, revoke.stderr);
  expectError(await api.call("GET", "/bttns", { key }), 401);
  const keys = (await api.call("GET", "/keys", { bearer: adminToken })).body.keys;
  assert.type(keys.find((k: { id: string }) => k.id === id).revokedAt, "string");

  // Refusals, and the help text: independent, so run side by side.
  const [noBttn, unknown, badRevoke, help] = await Promise.all([
    runCli(["keys", "create", "--name", "x", ...data]),
    runCli(["keys", "create", "--name", "x", "--bttn", "nope", ...data]),
    runCli(["keys", "revoke", "nope", ...data]),
    runCli(["--help"]),
  ]);
  assert.is(noBttn.code, 2);
  assert.match(noBttn.stderr, /--bttn/);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, /no bttn "nope"/);
  assert.is(badRevoke.code, 2);
  assert.match(badRevoke.stderr, /no API key "nope"/);
  for (const s of ["keys create --name NAME --bttn ID", "keys list", "keys revoke", "admin token", "/api/v1/openapi.json"]) assert.ok(help.stdout.includes(s), s);
});

t("openapi.json: OpenAPI 3.1 describing exactly the routes served, every $ref resolving", async ({ rig, api }) => {
  const a = await api.call("GET", "/openapi.json");
  assert.is(a.status, 200, "readable without a key");
  const doc = a.body;
  assert.is(doc.openapi, "3.1.0");
  const base = doc.servers[0].url;
  assert.is(base, "/api/v1");
  const described = new Set<string>();
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const m of Object.keys(ops)) described.add(m.toUpperCase() + " " + base + path.replace(/\{(\w+)\}/g, ":$1"));
  }
  const served = new Set(rig.relay.app.routes.filter((r) => r.path.startsWith(base + "/") && r.method !== "ALL").map((r) => r.method + " " + r.path));
  assert.equal([...described].sort(), [...served].sort());
  assert.ok(served.size >= 17);

  const refs: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === "object") for (const [k, v] of Object.entries(x)) k === "$ref" ? refs.push(v as string) : walk(v);
  };
  walk(doc);
  assert.ok(refs.length > 20);
  for (const r of refs) {
    assert.match(r, /^#\/components\/schemas\//);
    assert.ok(doc.components.schemas[r.split("/").pop()!], "resolves: " + r);
  }
  // The bodies are the enforced schemas, not a copy: the action's fields and limits are there.
  const action = doc.components.schemas.HttpAction;
  assert.equal(action.properties.timeout.maximum, 60000);
  assert.ok(doc.paths["/hooks"].post.requestBody.content["application/json"].schema.$ref.endsWith("/HookRegister"));
  assert.ok(doc.paths["/bttns/{id}/feed"].get.parameters.some((p: { name: string; in: string }) => p.name === "limit" && p.in === "query"));
  assert.ok(doc.paths["/bttns"].post.responses["409"] && doc.paths["/bttns"].post.responses["413"]);
  assert.match(doc.components.schemas.BttnCreated.description, /shown only in this answer/);
  // Unauthenticated writes do not exist: every write asks for a key, but signing in and out (the
  // token is the body; signing out ends only the caller's own session).
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { security: unknown[] }>>)) {
    for (const [m, op] of Object.entries(ops)) if (m !== "get" && path !== "/session") assert.ok(op.security.length > 0, m + " " + path);
  }
});

t("secrets: none in any answer but the one that made it, none in the log but the marked admin token line", async ({ rig, api, admin, secrets }) => {
  assert.ok(secrets.size >= 12);
  for (const a of api.answers) {
    for (const [s, allowed] of secrets) {
      if (a.text.includes(s)) assert.ok(a === allowed, "secret shown by " + a.method + " " + a.path + ": " + a.text.slice(0, 200));
    }
  }
  for (const line of rig.logs) {
    for (const s of secrets.keys()) {
      if (!line.includes(s)) continue;
      assert.ok(s === admin && line.includes(ADMIN_TOKEN_LINE), "secret in the log: " + line);
    }
  }
});

t.run();
