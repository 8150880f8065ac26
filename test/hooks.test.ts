// Dynamic webhooks end to end: a bttn whose action says `"url": "dynamic"`, a webhook server that
// registers its URL with an API key over the REST API, and the device's answer for each press.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { DeviceFile } from "@bttn/shared";
import { Answer, apiClient, ApiClient, firstStartToken } from "./support/api-client";
import { connectDevice, TestDevice } from "./support/device";
import { startRig, Rig } from "./support/relay-rig";
import { waitFor } from "./support/temp";
import { MAX_HOOKS_PER_KEY } from "../relay/src/store/hooks";

interface Ctx {
  rig: Rig;
  api: ApiClient;
  admin: string;
  door: TestDevice;
  /** Key A, for door only, and its hook. */
  a: { id: string; key: string; hook?: string };
}

const t = suite<Ctx>("dynamic webhooks");

t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", (sink) => ({
    bttns: {
      door: {
        secret: "door-secret-1",
        actions: {
          pressed: {
            // Its header goes only to origins the admin listed (engine-hardening.test.ts tests the refusals).
            http: { url: "dynamic", method: "POST", format: "json", args: { n: "<COUNTER>", who: "<ID>" }, headers: { "X-Relay": "door" }, dynamicOrigins: [sink.url("/")] },
          },
        },
      },
      gate: { secret: "gate-secret-1", actions: { pressed: { http: { url: "dynamic" } } } },
      hall: { secret: "hall-secret-1", actions: { pressed: { http: { url: sink.url("/static") } } } },
    },
  }));
  ctx.api = apiClient(() => ctx.rig.relay.httpPort);
  ctx.admin = firstStartToken(ctx.rig.logs);
  ctx.door = await ctx.rig.device("door");
});
t.after(async (ctx) => ctx.rig?.close());

async function makeKey(ctx: Ctx, name: string, bttns: string[]) {
  const a = await ctx.api.call("POST", "/keys", { bearer: ctx.admin, json: { name, bttns } });
  assert.is(a.status, 201, a.text);
  return { id: a.body.id as string, key: a.body.key as string };
}

/** Presses `d` and returns its final result and what the sink received for it. */
async function press(rig: Rig, d: TestDevice) {
  const before = rig.sink.received.length;
  const r = await d.result(await d.press("pressed"));
  return { r, got: rig.sink.received.slice(before) };
}

function expectError(a: Answer, status: number, path?: string) {
  assert.is(a.status, status, a.method + " " + a.path + " → " + a.text);
  assert.type(a.body?.error, "string");
  if (path !== undefined) assert.is(a.body.path, path, a.text);
}

t("no webhook registered: the dynamic action fails with no-webhook, and the run says so", async ({ rig, door }) => {
  const { r, got } = await press(rig, door);
  assert.equal([r.state, r.reason], ["fail", "no-webhook"]);
  assert.is(got.length, 0);
  const run = (await rig.relay.events.feed("door", {}))[0];
  assert.is(run.reason, "no-webhook");
});

t("a key registers its URL (the bttn implied by a one-bttn key); the next press calls it and gets ok", async (ctx) => {
  const { rig, api, door } = ctx;
  ctx.a = await makeKey(ctx, "door server", ["door"]);
  const reg = await api.call("POST", "/hooks", { key: ctx.a.key, json: { url: rig.sink.url("/a") } });
  assert.is(reg.status, 201, reg.text);
  assert.match(reg.body.id, /^[0-9a-f]{16}$/);
  assert.equal([reg.body.bttn, reg.body.url, reg.body.keyId], ["door", rig.sink.url("/a"), ctx.a.id]);
  ctx.a.hook = reg.body.id;

  const { r, got } = await press(rig, door);
  assert.equal([r.state, r.code], ["ok", 200]);
  assert.is(got.length, 1);
  assert.equal([got[0].method, got[0].url, got[0].headers["x-relay"]], ["POST", "/a", "door"]);
  assert.equal(JSON.parse(got[0].body), { n: "2", who: "door" }, "the action's arguments and tags go to the registered URL");

  const list = await api.call("GET", "/hooks", { key: ctx.a.key });
  assert.equal(
    list.body.hooks.map((h: { id: string }) => h.id),
    [ctx.a.hook],
  );
  const again = await api.call("POST", "/hooks", { key: ctx.a.key, json: { url: rig.sink.url("/a"), bttn: "door" } });
  assert.is(again.body.id, ctx.a.hook, "registering the same URL again gives the same hook");
  assert.is((await api.call("GET", "/hooks", { key: ctx.a.key })).body.hooks.length, 1);
});

t("the newest registration wins; a revoked key's registration is not used", async (ctx) => {
  const { rig, api, admin, door } = ctx;
  const b = await makeKey(ctx, "second server", ["door", "gate"]);
  expectError(await api.call("POST", "/hooks", { key: b.key, json: { url: rig.sink.url("/b") } }), 400, "bttn");
  assert.is((await api.call("POST", "/hooks", { key: b.key, json: { url: rig.sink.url("/b"), bttn: "door" } })).status, 201);
  const first = await press(rig, door);
  assert.equal([first.r.state, first.got.map((g) => g.url)], ["ok", ["/b"]]);

  assert.is((await api.call("DELETE", "/keys/" + b.id, { bearer: admin })).status, 204);
  const second = await press(rig, door);
  assert.equal([second.r.state, second.got.map((g) => g.url)], ["ok", ["/a"]], "back to the older, live registration");
  expectError(await api.call("GET", "/hooks", { key: b.key }), 401);
});

t("a key reaches only its bttns and its own hooks; hook URLs are validated (400 with the path)", async (ctx) => {
  const { rig, api, admin } = ctx;
  const c = await makeKey(ctx, "gate server", ["gate"]);
  expectError(await api.call("POST", "/hooks", { key: c.key, json: { url: rig.sink.url("/c"), bttn: "door" } }), 403);
  expectError(await api.call("POST", "/hooks", { key: c.key, json: { url: rig.sink.url("/c"), bttn: "nope" } }), 403);
  expectError(await api.call("DELETE", "/hooks/" + ctx.a.hook, { key: c.key }), 404);
  assert.equal((await api.call("GET", "/hooks", { key: c.key })).body.hooks, []);

  const post = (json: unknown) => api.call("POST", "/hooks", { key: c.key, json });
  expectError(await post({ url: "ftp://127.0.0.1/x" }), 400, "url");
  expectError(await post({ url: "http://user:pw@127.0.0.1/x" }), 400, "url");
  expectError(await post({ url: "http://127.0.0.1/" + "a".repeat(2048) }), 400, "url");
  expectError(await post({ url: "not a url" }), 400, "url");
  expectError(await post({}), 400, "url");
  expectError(await post({ url: rig.sink.url("/c"), extra: true }), 400, "extra");
  expectError(await post({ url: rig.sink.url("/c"), bttn: "bad id!" }), 400, "bttn");
  expectError(await api.call("POST", "/hooks", { key: c.key, raw: "url=http://x" }), 400, "");

  // An admin registers for any bttn (naming it), lists every live hook and may delete any.
  expectError(await api.call("POST", "/hooks", { bearer: admin, json: { url: rig.sink.url("/admin") } }), 400, "bttn");
  const byAdmin = await api.call("POST", "/hooks", { bearer: admin, json: { url: rig.sink.url("/admin"), bttn: "gate" } });
  assert.is(byAdmin.status, 201);
  const all = await api.call("GET", "/hooks", { bearer: admin });
  assert.equal(all.body.hooks.map((h: { id: string }) => h.id).sort(), [ctx.a.hook, byAdmin.body.id].sort());
  assert.is((await api.call("DELETE", "/hooks/" + byAdmin.body.id, { bearer: admin })).status, 204);
});

t("deleting the hook brings no-webhook back; deleting it twice is 404", async (ctx) => {
  const { rig, api, door } = ctx;
  assert.is((await api.call("DELETE", "/hooks/" + ctx.a.hook, { key: ctx.a.key })).status, 204);
  const { r, got } = await press(rig, door);
  assert.equal([r.state, r.reason, got.length], ["fail", "no-webhook", 0]);
  expectError(await api.call("DELETE", "/hooks/" + ctx.a.hook, { key: ctx.a.key }), 404);
});

t("secret-looking query values of a hook URL are used for the call but redacted in answers, runs and the log", async (ctx) => {
  const { rig, api, door } = ctx;
  const token = "hooktok-31337";
  const reg = await api.call("POST", "/hooks", { key: ctx.a.key, json: { url: rig.sink.url("/t?token=" + token + "&x=1") } });
  assert.is(reg.status, 201);
  assert.not.ok(reg.text.includes(token));
  assert.not.ok((await api.call("GET", "/hooks", { key: ctx.a.key })).text.includes(token));
  const { r, got } = await press(rig, door);
  assert.is(r.state, "ok");
  assert.is(got[0].url, "/t?token=" + token + "&x=1", "the server gets its own URL");
  await waitFor(async () => (await rig.relay.events.feed("door", { limit: 1 }))[0].runs.length > 0, 2000, "run recorded");
  const run = (await rig.relay.events.feed("door", { limit: 1 }))[0].runs[0];
  assert.not.ok(run.url.includes(token));
  for (const l of rig.logs) assert.not.ok(l.includes(token), l);
  await api.call("DELETE", "/hooks/" + reg.body.id, { key: ctx.a.key });
});

t("a bttn removed and added again is a new bttn: old keys and registrations do not reach it", async (ctx) => {
  const { rig, api, admin } = ctx;
  const action = { pressed: { http: { url: "dynamic" } } };
  const made = await api.call("POST", "/bttns", { bearer: admin, json: { id: "porch", actions: action } });
  assert.is(made.status, 201, made.text);
  const p = await makeKey(ctx, "porch server", ["porch"]);
  assert.is((await api.call("POST", "/hooks", { key: p.key, json: { url: rig.sink.url("/porch") } })).status, 201);
  const d1 = await connectDevice({ port: rig.mqttPort, id: "porch", secret: (made.body.deviceFile as DeviceFile).secret });
  assert.is((await press(rig, d1)).r.state, "ok");
  await d1.close();

  assert.is((await api.call("DELETE", "/bttns/porch", { bearer: admin })).status, 204);
  await new Promise((r) => setTimeout(r, 5)); // a new bttn is newer than the key by the clock
  const remade = await api.call("POST", "/bttns", { bearer: admin, json: { id: "porch", actions: action } });
  assert.is(remade.status, 201);
  expectError(await api.call("GET", "/bttns/porch", { key: p.key }), 403);
  expectError(await api.call("POST", "/hooks", { key: p.key, json: { url: rig.sink.url("/porch") } }), 403);
  assert.equal((await api.call("GET", "/bttns", { key: p.key })).body.bttns, []);
  const d2 = await connectDevice({ port: rig.mqttPort, id: "porch", secret: (remade.body.deviceFile as DeviceFile).secret });
  const { r } = await press(rig, d2);
  assert.equal([r.state, r.reason], ["fail", "no-webhook"]);
  await d2.close();
});

t("a static action is not affected by registrations", async (ctx) => {
  const { rig, api, admin } = ctx;
  assert.is((await api.call("POST", "/hooks", { bearer: admin, json: { url: rig.sink.url("/elsewhere"), bttn: "hall" } })).status, 201);
  const hall = await rig.device("hall");
  const { r, got } = await press(rig, hall);
  assert.equal([r.state, got.map((g) => g.url)], ["ok", ["/static"]]);
});

t("a key holds at most 100 webhooks: one more is 409, registering a known URL again still works", async (ctx) => {
  const { rig, api } = ctx;
  const k = await makeKey(ctx, "busy server", ["gate"]);
  for (let i = 0; i < MAX_HOOKS_PER_KEY; i++) {
    const a = await api.call("POST", "/hooks", { key: k.key, json: { url: rig.sink.url("/n" + i) } });
    assert.is(a.status, 201, a.text);
  }
  const full = await api.call("POST", "/hooks", { key: k.key, json: { url: rig.sink.url("/one-more") } });
  expectError(full, 409);
  assert.match(full.body.error, /delete some/);
  assert.is((await api.call("POST", "/hooks", { key: k.key, json: { url: rig.sink.url("/n7") } })).status, 201);
});

t.run();
