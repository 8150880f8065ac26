// What the console's action form needs, against a real relay and webhook: the preview of the
// request a press would send (stored or unsaved action, tags filled in, secrets masked, clear
// refusals), and write-only secrets (an action shown by GET and saved back keeps its password,
// secret headers, arguments and URL credentials; a "[redacted]" that stands for nothing is refused).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { apiClient, ApiClient, firstStartToken } from "./support/api-client";
import { startRig, Rig } from "./support/relay-rig";

const PASSWORD = "act-basic-pw-1";
const HEADER_SECRET = "act-header-tok-2";
const ARG_SECRET = "act-arg-secret-3";
const URL_KEY = "act-urlkey-4";
const URL_PASS = "act-urlpass-5";
const SECRETS = [PASSWORD, HEADER_SECRET, ARG_SECRET, URL_KEY, URL_PASS];

interface Ctx {
  rig: Rig;
  api: ApiClient;
  admin: string;
}

const t = suite<Ctx>("console actions");

t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", (sink) => ({
    bttns: { filed: { secret: "filed-secret-1", name: "Filed", actions: { pressed: { http: { url: sink.url("/filed?who=<NAME>") } } } } },
  }));
  ctx.api = apiClient(() => ctx.rig.relay.httpPort);
  ctx.admin = firstStartToken(ctx.rig.logs);
  const sink = ctx.rig.sink;
  const made = await ctx.api.call("POST", "/bttns", {
    bearer: ctx.admin,
    json: {
      id: "desk",
      name: "Desk",
      actions: {
        pressed: {
          http: {
            method: "POST",
            url: sink.url("/desk?api_key=" + URL_KEY + "&n=<COUNTER>").replace("http://", "http://me:" + URL_PASS + "@"),
            format: "json",
            args: { n: "<COUNTER>", who: "<NAME>", password: ARG_SECRET },
            headers: { "X-Token": HEADER_SECRET, "X-Plain": "visible" },
            auth: { type: "basic", username: "me", password: PASSWORD },
          },
        },
        "pressed-long": { http: { url: "dynamic" } },
      },
    },
  });
  assert.is(made.status, 201, made.text);
});

t.after(async (ctx) => {
  await ctx.rig?.close();
});

const call = (ctx: Ctx, method: string, path: string, json?: unknown) => ctx.api.call(method, path, { bearer: ctx.admin, json });

t("preview of the stored action: as a press now would send it, tags filled in, secrets masked, nothing sent", async (ctx) => {
  const before = ctx.rig.sink.received.length;
  const p = await call(ctx, "POST", "/bttns/desk/actions/pressed/preview");
  assert.is(p.status, 200, p.text);
  assert.is(p.body.method, "POST");
  assert.match(p.body.url, /\/desk\?api_key=%5Bredacted%5D&n=1$/);
  assert.match(p.body.url, /^http:\/\/%5Bredacted%5D@127\.0\.0\.1:/);
  assert.equal([p.body.headers["x-token"], p.body.headers["x-plain"], p.body.headers["content-type"]], ["[redacted]", "visible", "application/json"]);
  assert.match(p.body.headers["idempotency-key"], /^"desk:virtual:\d+"$/);
  assert.equal(JSON.parse(p.body.body), { n: "1", who: "Desk", password: "[redacted]" });
  assert.is(p.body.auth, "basic");
  assert.is(ctx.rig.sink.received.length, before, "nothing sent");
  const filed = await call(ctx, "POST", "/bttns/filed/actions/pressed/preview");
  assert.equal([filed.status, filed.body.method, filed.body.body], [200, "GET", null], "a bttn of the config file is previewed too");
  assert.match(filed.body.url, /\/filed\?who=Filed$/);
});

t("preview of an action not saved yet: GET with form args in the query; an async one's callback URL masked", async (ctx) => {
  const url = ctx.rig.sink.url("/try");
  const p = await call(ctx, "POST", "/bttns/desk/actions/pressed-double/preview", { http: { method: "GET", url, args: { test: "test" } } });
  assert.equal([p.status, p.body.method, p.body.url, p.body.body], [200, "GET", url + "?test=test", null]);
  const a = await call(ctx, "POST", "/bttns/desk/actions/pressed/preview", { http: { method: "POST", url, args: { back: "<CALLBACKURL>" }, async: true } });
  assert.is(a.status, 200);
  assert.match(a.body.body, /^back=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fcallback%2F\[redacted\]$/);
  assert.is((await call(ctx, "GET", "/bttns/desk")).body.events.includes("pressed-double"), false, "not saved");
});

t("preview refusals: unknown bttn or no action 404, bad event or body 400 naming the field, a dynamic URL with no webhook 409", async (ctx) => {
  assert.is((await call(ctx, "POST", "/bttns/nope/actions/pressed/preview")).status, 404);
  const none = await call(ctx, "POST", "/bttns/desk/actions/heartbeat/preview");
  assert.is(none.status, 404);
  assert.match(none.body.error, /no action for heartbeat/);
  const ev = await call(ctx, "POST", "/bttns/desk/actions/pushed/preview");
  assert.equal([ev.status, ev.body.path, ev.body.in], [400, "event", "path"]);
  const bad = await call(ctx, "POST", "/bttns/desk/actions/pressed/preview", { http: { url: "ftp://x" } });
  assert.equal([bad.status, bad.body.path], [400, "http.url"]);
  const dyn = await call(ctx, "POST", "/bttns/desk/actions/pressed-long/preview");
  assert.is(dyn.status, 409);
  assert.match(dyn.body.error, /no-webhook/);
  assert.is((await ctx.api.call("POST", "/bttns/desk/actions/pressed/preview")).status, 401);
});

/** The request the sink got from a virtual press of `id`. */
async function pressAndSee(ctx: Ctx, id: string) {
  const n = ctx.rig.sink.received.length;
  const a = await call(ctx, "POST", "/bttns/" + id + "/press", { type: "pressed" });
  assert.is(a.body.state, "ok", a.text);
  return ctx.rig.sink.received[n];
}

function assertRealSecrets(q: { url: string; headers: Record<string, unknown>; body: string }) {
  assert.ok(q.url.includes("api_key=" + URL_KEY), q.url);
  assert.is(q.headers["x-token"], HEADER_SECRET);
  assert.is(q.headers.authorization, "Basic " + Buffer.from("me:" + PASSWORD).toString("base64"));
  assert.is(JSON.parse(q.body).password, ARG_SECRET);
}

t("write-only secrets: the action as GET shows it, changed and saved back, keeps every stored secret", async (ctx) => {
  const shown = (await call(ctx, "GET", "/bttns/desk")).body.actions.pressed;
  assert.equal([shown.http.auth.password, shown.http.headers["X-Token"], shown.http.args.password], ["[redacted]", "[redacted]", "[redacted]"]);
  shown.http.timeout = 5000;
  const put = await call(ctx, "PUT", "/bttns/desk/actions/pressed", shown);
  assert.is(put.status, 200, put.text);
  assert.is(put.body.actions.pressed.http.timeout, 5000);
  assertRealSecrets(await pressAndSee(ctx, "desk"));
  // An auth without its password keeps it too.
  delete shown.http.auth.password;
  assert.is((await call(ctx, "PUT", "/bttns/desk/actions/pressed", shown)).status, 200);
  assertRealSecrets(await pressAndSee(ctx, "desk"));
  // The whole definition, as shown, saved back.
  const info = (await call(ctx, "GET", "/bttns/desk")).body;
  const def = { name: "Desk 2", actions: info.actions, device: info.device };
  const whole = await call(ctx, "PUT", "/bttns/desk", def);
  assert.is(whole.status, 200, whole.text);
  assertRealSecrets(await pressAndSee(ctx, "desk"));
  // A new password replaces the stored one.
  shown.http.auth.password = "a-new-password";
  assert.is((await call(ctx, "PUT", "/bttns/desk/actions/pressed", shown)).status, 200);
  const q = await pressAndSee(ctx, "desk");
  assert.is(q.headers.authorization, "Basic " + Buffer.from("me:a-new-password").toString("base64"));
  shown.http.auth.password = PASSWORD;
  assert.is((await call(ctx, "PUT", "/bttns/desk/actions/pressed", shown)).status, 200);
});

t("write-only refusals: a \"[redacted]\" that stands for nothing stored is 400 naming the field, and nothing changes", async (ctx) => {
  const shown = (await call(ctx, "GET", "/bttns/desk")).body.actions.pressed;
  const cases: Array<[string, (h: any) => void]> = [
    ["http.auth.password", (h) => (h.auth.username = "someone-else")],
    ["http.auth.password", (h) => (h.auth.type = "digest")],
    ["http.headers.X-New", (h) => (h.headers["X-New"] = "[redacted]")],
    ["http.args.other", (h) => (h.args.other = "[redacted]")],
    ["http.url", (h) => (h.url = h.url.replace("/desk", "/elsewhere"))],
  ];
  for (const [path, change] of cases) {
    const body = structuredClone(shown);
    change(body.http);
    const a = await call(ctx, "PUT", "/bttns/desk/actions/pressed", body);
    assert.equal([a.status, a.body.path, a.body.in], [400, path, "body"], path + ": " + a.text);
  }
  const whole = await call(ctx, "PUT", "/bttns/desk", { actions: { "pressed-double": { http: { url: ctx.rig.sink.url("/x"), auth: { type: "basic", username: "u" } } } } });
  assert.equal([whole.status, whole.body.path], [400, "actions.pressed-double.http.auth.password"]);
  assertRealSecrets(await pressAndSee(ctx, "desk"));
});

t("no secret in any answer or the log", (ctx) => {
  for (const a of ctx.api.answers) for (const s of SECRETS) assert.not.ok(a.text.includes(s), a.method + " " + a.path + " shows " + s);
  for (const s of SECRETS) assert.not.ok(ctx.rig.logs.some((l) => l.includes(s)), "log shows " + s);
});

t.run();
