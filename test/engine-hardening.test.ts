// The action engine's promises against a real relay, real webhook servers on loopback and the real
// REST API: a press fires once even when the server drops the connection after reading it, every
// request names its press in Idempotency-Key, callback verdicts are a closed set and callback tokens
// stay out of the run history, a dynamic action's credentials go only to the origins the admin
// allowed, and arguments nested too deep are refused with their path.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Socket } from "node:net";
import { apiClient, ApiClient, firstStartToken } from "./support/api-client";
import { startRig, Rig } from "./support/relay-rig";
import { answer, rawServer, TestServer, RawRequest } from "./support/servers";
import { startSink, WebhookSink } from "./support/webhook-sink";
import { sleep, waitFor } from "./support/temp";
import { MAX_ARGS_DEPTH } from "../relay/src/config/args-depth";

const HEADER_SECRET = "hdr-secret-5150";
const AUTH_PASSWORD = "dyn-pw-8086";

interface Ctx {
  rig: Rig;
  api: ApiClient;
  admin: string;
  /** A server that closes (or resets) a kept-alive connection after reading the second request. */
  dropper: TestServer & { requests: RawRequest[] };
  dropHow: "end" | "reset";
  /** Someone else's server, where a key holder would like the admin's credentials to go. */
  collector: WebhookSink;
}

const t = suite<Ctx>("engine hardening");

t.before(async (ctx) => {
  ctx.dropHow = "end";
  ctx.dropper = await rawServer((r, socket: Socket) => {
    if (r.onConnection === 1) return void socket.write(answer(200, "served"));
    if (ctx.dropHow === "end") socket.end();
    else socket.resetAndDestroy();
  });
  ctx.collector = await startSink();
  ctx.rig = await startRig("embedded", (sink) => ({
    bttns: {
      once: { secret: "once-secret-1", actions: { pressed: { http: { method: "POST", url: ctx.dropper.url("/press"), format: "json", args: { n: "<COUNTER>" } } } } },
      plain: {
        secret: "plain-secret-1",
        actions: {
          pressed: { http: { method: "POST", url: sink.url("/plain"), args: { n: "<COUNTER>" } } },
          "pressed-long": { http: { method: "POST", url: sink.url("/nokey"), idempotencyKey: false } },
          "pressed-double": { http: { method: "POST", url: sink.url("/own"), headers: { "Idempotency-Key": "mine-<EID>" } } },
        },
      },
      waiter: {
        secret: "waiter-secret-1",
        actions: { pressed: { http: { method: "GET", url: sink.url("/async"), args: { cb: "<CALLBACKURL>" }, async: true, callbackTimeout: 5000 } } },
      },
      guarded: {
        secret: "guarded-secret-1",
        actions: {
          pressed: {
            http: {
              url: "dynamic",
              method: "POST",
              headers: { "X-Token": HEADER_SECRET },
              auth: { type: "basic", username: "relay", password: AUTH_PASSWORD },
              dynamicOrigins: [sink.url("/")],
            },
          },
        },
      },
      unlisted: { secret: "unlisted-secret-1", actions: { pressed: { http: { url: "dynamic", headers: { "X-Token": HEADER_SECRET } } } } },
    },
  }));
  ctx.api = apiClient(() => ctx.rig.relay.httpPort);
  ctx.admin = firstStartToken(ctx.rig.logs);
});
t.after(async (ctx) => {
  await ctx.rig?.close();
  await ctx.dropper?.close();
  await ctx.collector?.close();
});

// --- item: a press fires once -------------------------------------------------------------------

for (const how of ["end", "reset"] as const) {
  t(`a server that reads a POST and then ${how === "end" ? "closes" : "resets"} the kept-alive connection gets it once; the press fails`, async (ctx) => {
    ctx.dropHow = how;
    const d = await ctx.rig.device("once");
    const first = await d.result(await d.press("pressed"));
    assert.is(first.state, "ok");
    await sleep(50); // the next press goes out on the connection the first one used
    const before = ctx.dropper.requests.length;
    const seq = await d.press("pressed");
    const r = await d.result(seq);
    assert.equal([r.state, r.reason], ["fail", "refused"]);
    await sleep(300);
    assert.is(ctx.dropper.requests.length - before, 1, "the server read the press once and never again");
    await d.close();
  });
}

// --- item: Idempotency-Key ----------------------------------------------------------------------

t("every action request carries Idempotency-Key with the press identity; an action may turn it off or set its own", async ({ rig }) => {
  const d = await rig.device("plain");
  const at = rig.sink.received.length;
  const seq = await d.press("pressed");
  assert.is((await d.result(seq)).state, "ok");
  const got = rig.sink.received.slice(at);
  assert.is(got.length, 1);
  assert.is(got[0].headers["idempotency-key"], `"plain:${d.boot}:${seq}"`);

  const long = await d.press("pressed-long");
  assert.is((await d.result(long)).state, "ok");
  assert.is(rig.sink.received.at(-1)!.url, "/nokey");
  assert.is(rig.sink.received.at(-1)!.headers["idempotency-key"], undefined, "idempotencyKey: false sends none");

  const dbl = await d.press("pressed-double");
  assert.is((await d.result(dbl)).state, "ok");
  assert.match(String(rig.sink.received.at(-1)!.headers["idempotency-key"]), /^mine-\d+$/, "the action's own header wins");
  await d.close();
});

// --- item: callback verdicts and tokens ---------------------------------------------------------

t("a callback's result must be one of the verdict words: __proto__, constructor and toString are 400, the press keeps waiting", async ({ rig }) => {
  const d = await rig.device("waiter");
  const at = rig.sink.received.length;
  const seq = await d.press("pressed");
  await waitFor(() => rig.sink.received.length > at, 3000, "the first request");
  const cb = new URL(rig.sink.received[at].url, "http://x").searchParams.get("cb")!;
  assert.match(cb, /\/callback\/[A-Za-z0-9_-]{32}$/);
  await d.result(seq, ["pending"]);

  for (const word of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
    const get = await fetch(cb + "?result=" + word);
    assert.is(get.status, 400, "GET result=" + word + ": " + (await get.text()));
    const post = await fetch(cb, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ result: word }) });
    assert.is(post.status, 400, "POST result=" + word);
  }
  assert.is(d.results.filter((x) => x.seq === seq && (x.state === "ok" || x.state === "fail")).length, 0, "not decided by a bad word");
  assert.is((await fetch(cb + "?result=success")).status, 200);
  assert.is((await d.result(seq)).state, "ok");

  // The callback URL went out in the query string; the run history keeps the token out.
  const token = cb.slice(cb.lastIndexOf("/") + 1);
  await waitFor(async () => (await rig.relay.events.feed("waiter", { limit: 1 }))[0]?.runs.length, 2000, "run recorded");
  const stored = (await rig.relay.events.feed("waiter", { limit: 1 }))[0].runs[0];
  assert.not.ok(stored.url.includes(token), "stored run: " + stored.url);
  assert.match(stored.url, /callback%2F%5Bredacted%5D|callback%2F\[redacted\]/);
  await d.close();
});

t("the feed answered by the REST API shows no callback token, not even from runs stored before redaction", async (ctx) => {
  const { rig, api, admin } = ctx;
  const feed = await api.call("GET", "/bttns/waiter/feed", { bearer: admin });
  assert.is(feed.status, 200);
  assert.ok(feed.body.events[0].runs[0].url.includes("callback"));
  assert.not.match(feed.text, /callback(%2F|\/)[A-Za-z0-9_-]{32}/);
  // A run recorded by an older relay, with the token in clear.
  const ev = (await rig.relay.events.feed("waiter", { limit: 1 }))[0];
  rig.relay.events.recordRun({
    eventId: ev.id,
    bttn: "waiter",
    method: "GET",
    url: "http://127.0.0.1:1/async?cb=http%3A%2F%2F127.0.0.1%3A2%2Fcallback%2FAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    durationMs: 1,
    startedAt: Date.now(),
  });
  const again = await api.call("GET", "/bttns/waiter/feed", { bearer: admin });
  assert.is(again.status, 200);
  assert.not.ok(again.text.includes("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), again.text);
});

// --- item: dynamic webhooks and the admin's credentials -----------------------------------------

async function makeKey(ctx: Ctx, bttns: string[]) {
  const a = await ctx.api.call("POST", "/keys", { bearer: ctx.admin, json: { name: "server " + bttns.join(","), bttns } });
  assert.is(a.status, 201, a.text);
  return a.body.key as string;
}

t("a dynamic action with credentials: a URL outside dynamicOrigins is refused (400 naming the allowed ones), a listed one gets them", async (ctx) => {
  const { rig, api, collector } = ctx;
  const key = await makeKey(ctx, ["guarded"]);
  const refused = await api.call("POST", "/hooks", { key, json: { url: collector.url("/steal") } });
  assert.is(refused.status, 400, refused.text);
  assert.is(refused.body.path, "url");
  assert.ok(refused.body.error.includes("http://127.0.0.1:" + rig.sink.port), "names the allowed origin: " + refused.body.error);
  assert.not.ok(refused.text.includes(HEADER_SECRET) || refused.text.includes(AUTH_PASSWORD));
  // Same host, other port; same port, other host name: other origins.
  assert.is((await api.call("POST", "/hooks", { key, json: { url: `http://localhost:${rig.sink.port}/x` } })).status, 400);

  const ok = await api.call("POST", "/hooks", { key, json: { url: rig.sink.url("/mine") } });
  assert.is(ok.status, 201, ok.text);
  const d = await rig.device("guarded");
  const at = rig.sink.received.length;
  const r = await d.result(await d.press("pressed"));
  assert.is(r.state, "ok");
  const got = rig.sink.received.slice(at);
  assert.equal([got.length, got[0].url, got[0].headers["x-token"]], [1, "/mine", HEADER_SECRET]);
  assert.match(String(got[0].headers.authorization), /^Basic /);
  assert.is(collector.received.length, 0);
  await d.close();
});

t("a dynamic action with headers and no dynamicOrigins takes no registration; one made before its headers were added fails the press, sending nothing", async (ctx) => {
  const { rig, api, admin, collector } = ctx;
  const key = await makeKey(ctx, ["unlisted"]);
  const refused = await api.call("POST", "/hooks", { key, json: { url: collector.url("/steal") } });
  assert.is(refused.status, 400);
  assert.match(refused.body.error, /allowed origins: none/);

  // A bttn of the API whose dynamic action starts bare: any URL may be registered.
  const made = await api.call("POST", "/bttns", { bearer: admin, json: { id: "later", actions: { pressed: { http: { url: "dynamic", method: "POST" } } } } });
  assert.is(made.status, 201, made.text);
  const k2 = await makeKey(ctx, ["later"]);
  assert.is((await api.call("POST", "/hooks", { key: k2, json: { url: collector.url("/early") } })).status, 201);
  // Then the admin gives it a password.
  const set = await api.call("PUT", "/bttns/later/actions/pressed", {
    bearer: admin,
    json: { http: { url: "dynamic", method: "POST", auth: { type: "basic", username: "u", password: AUTH_PASSWORD } } },
  });
  assert.is(set.status, 200, set.text);
  const { connectDevice } = await import("./support/device");
  const d = await connectDevice({ port: rig.mqttPort, id: "later", secret: made.body.deviceFile.secret });
  const r = await d.result(await d.press("pressed"));
  assert.equal([r.state, r.reason], ["fail", "bad-request"]);
  assert.is(collector.received.length, 0, "nothing went to the unlisted origin");
  await waitFor(async () => (await rig.relay.events.feed("later", { limit: 1 }))[0]?.runs.length, 2000, "run recorded");
  assert.match(String((await rig.relay.events.feed("later", { limit: 1 }))[0].runs[0].error), /dynamicOrigins/);
  await d.close();
});

t("dynamicOrigins is checked where actions come in, and the OpenAPI document and action schema show the new fields", async (ctx) => {
  const { api, admin } = ctx;
  await api.call("POST", "/bttns", { bearer: admin, json: { id: "shape", actions: {} } });
  const put = (http: unknown) => api.call("PUT", "/bttns/shape/actions/pressed", { bearer: admin, json: { http } });
  const withPath = await put({ url: "dynamic", dynamicOrigins: ["https://ok.lan", "https://hooks.lan/path"] });
  assert.equal([withPath.status, withPath.body.path], [400, "http.dynamicOrigins.1"], withPath.text);
  const onStatic = await put({ url: "http://127.0.0.1/x", dynamicOrigins: ["https://ok.lan"] });
  assert.equal([onStatic.status, onStatic.body.path], [400, "http.dynamicOrigins"], onStatic.text);
  assert.is((await put({ url: "dynamic", dynamicOrigins: ["https://ok.lan:8443"], idempotencyKey: false })).status, 200);
  const badSwitch = await put({ url: "dynamic", idempotencyKey: "no" });
  assert.equal([badSwitch.status, badSwitch.body.path], [400, "http.idempotencyKey"]);

  const doc = await api.call("GET", "/openapi.json");
  const props = doc.body.components.schemas.HttpAction.properties;
  assert.ok(props.dynamicOrigins, "HttpAction has dynamicOrigins");
  assert.ok(props.idempotencyKey, "HttpAction has idempotencyKey");
});

// --- item: arguments nested thousands deep ------------------------------------------------------

t("args nested thousands deep: 400 with the path, and the relay keeps serving", async (ctx) => {
  const { api, admin } = ctx;
  const depth = 10_000;
  const raw = '{"http":{"url":"http://127.0.0.1/x","method":"POST","format":"json","args":{"a":' + "[".repeat(depth) + "]".repeat(depth) + "}}}";
  const a = await api.call("PUT", "/bttns/shape/actions/pressed", { bearer: admin, raw, headers: { "content-type": "application/json" } });
  assert.is(a.status, 400, a.text.slice(0, 300));
  assert.match(a.body.error, new RegExp("nested more than " + MAX_ARGS_DEPTH + " levels"));
  assert.match(a.body.path, /^http\.args\.a(\.0)+$/);
  const deepObject = '{"http":{"url":"http://127.0.0.1/x","args":' + '{"k":'.repeat(5000) + "1" + "}".repeat(5000) + "}}";
  const b = await api.call("PUT", "/bttns/shape/actions/pressed", { bearer: admin, raw: deepObject, headers: { "content-type": "application/json" } });
  assert.is(b.status, 400, b.text.slice(0, 300));
  assert.match(b.body.path, /^http\.args(\.k)+$/);
  // A bttn definition carries actions too.
  const bttn = await api.call("PUT", "/bttns/shape", { bearer: admin, raw: '{"actions":{"pressed":' + raw + "}}", headers: { "content-type": "application/json" } });
  assert.is(bttn.status, 400);
  assert.match(bttn.body.path, /^actions\.pressed\.http\.args\.a/);
  // Reasonable nesting is fine.
  const fine = { http: { url: "http://127.0.0.1/x", method: "POST", format: "json", args: { a: [[{ b: [1, { c: "<COUNTER>" }] }]] } } };
  assert.is((await api.call("PUT", "/bttns/shape/actions/pressed", { bearer: admin, json: fine })).status, 200);
});

t.run();
