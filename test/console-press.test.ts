// The console's "Press" (POST /api/v1/bttns/{id}/press) against a real relay and webhook: the press
// goes the way of a device's, answers with its outcome and its inspector runs, says `pending` for
// an async action still waiting, is marked virtual in the feed, and is refused clearly when it
// cannot be made. A device connected for the bttn is shown the outcome (not the pending).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { apiClient, ApiClient, firstStartToken } from "./support/api-client";
import { startRig, Rig } from "./support/relay-rig";
import { sleep } from "./support/temp";

const BASIC_PASSWORD = "press-basic-pw-1";

interface Ctx {
  rig: Rig;
  api: ApiClient;
  admin: string;
}

const t = suite<Ctx>("virtual press");

t.before(async (ctx) => {
  ctx.rig = await startRig(
    "embedded",
    (sink) => ({
      bttns: {
        porch: {
          secret: "porch-secret-1",
          actions: {
            pressed: { http: { url: sink.url("/ok?test=test"), auth: { type: "basic", username: "me", password: BASIC_PASSWORD } } },
            "pressed-long": { http: { url: sink.url("/fail") } },
            "pressed-double": { http: { method: "POST", url: sink.url("/async"), args: { back: "<CALLBACKURL>" }, async: true, callbackTimeout: 5000 } },
          },
        },
        shed: { secret: "shed-secret-1", actions: {} },
      },
    }),
    {},
    { pressAnswerWaitMs: 400 },
  );
  ctx.api = apiClient(() => ctx.rig.relay.httpPort);
  ctx.admin = firstStartToken(ctx.rig.logs);
  ctx.rig.sink.respond((q, res) => {
    if (q.url === "/fail") return void res.writeHead(503).end("down");
    res.writeHead(200).end("fine");
  });
});

t.after(async (ctx) => {
  await ctx.rig?.close();
});

t("a press that goes well: ok with the webhook's status and its inspector run, marked virtual in the feed; the device is shown the outcome", async ({ rig, api, admin }) => {
  const device = await rig.device("porch");
  const n = rig.sink.received.length;
  const a = await api.call("POST", "/bttns/porch/press", { bearer: admin, json: { type: "pressed" } });
  assert.is(a.status, 200, a.text);
  assert.equal([a.body.type, a.body.virtual, a.body.state, a.body.status, a.body.reason], ["pressed", true, "ok", 200, undefined]);
  assert.is(a.body.runs.length, 1);
  assert.is(rig.sink.received.length, n + 1);
  assert.is(rig.sink.received[n].url, "/ok?test=test");
  const run = (await api.call("GET", "/inspector/runs/" + a.body.runs[0], { bearer: admin })).body;
  assert.equal([run.eventId, run.virtual, run.outcome, run.request.method, run.request.auth], [a.body.eventId, true, "ok", "GET", "basic"]);
  const feed = (await api.call("GET", "/bttns/porch/feed?limit=1", { bearer: admin })).body.events[0];
  assert.equal([feed.id, feed.boot, feed.state, feed.runs.length], [a.body.eventId, "virtual", "ok", 1]);
  // A connected device is shown the outcome (boot "0000": a press it did not make, nothing to await).
  for (let i = 0; i < 100 && device.results.length === 0; i++) await sleep(20);
  assert.equal(device.results.map((r) => [r.boot, r.seq, r.state, r.code]), [["0000", 0, "ok", 200]]);
});

t("a failing action: fail with its reason and status", async ({ api, admin }) => {
  const a = await api.call("POST", "/bttns/porch/press", { bearer: admin, json: { type: "pressed-long" } });
  assert.equal([a.status, a.body.state, a.body.reason, a.body.status, a.body.runs.length], [200, "fail", "http", 503, 1]);
});

t("an async action still waiting for its callback: pending after the wait; the callback then decides it", async ({ rig, api, admin }) => {
  const a = await api.call("POST", "/bttns/porch/press", { bearer: admin, json: { type: "pressed-double" } });
  assert.equal([a.status, a.body.state, a.body.runs.length], [200, "pending", 1]);
  const back = new URLSearchParams(rig.sink.received.at(-1)!.body).get("back")!;
  assert.is((await fetch(back, { method: "POST", headers: { "content-type": "application/json" }, body: '{"result":"success"}' })).status, 200);
  const run = await (async () => {
    for (let i = 0; i < 50; i++) {
      const r = (await api.call("GET", "/inspector/runs/" + a.body.runs[0], { bearer: admin })).body;
      if (r.outcome !== "waiting") return r;
      await sleep(20);
    }
  })();
  assert.equal([run.outcome, run.callback.outcome], ["ok", "ok"]);
});

t("refusals: unknown bttn 404, no action for the type 409, bad type 400, no key 401, a plain key 403", async ({ api, admin }) => {
  const unknown = await api.call("POST", "/bttns/nope/press", { bearer: admin, json: { type: "pressed" } });
  assert.is(unknown.status, 404);
  const none = await api.call("POST", "/bttns/shed/press", { bearer: admin, json: { type: "pressed" } });
  assert.is(none.status, 409);
  assert.match(none.body.error, /no action for pressed/);
  for (const type of ["heartbeat", "not-pressed", "push", 1]) {
    const bad = await api.call("POST", "/bttns/porch/press", { bearer: admin, json: { type } });
    assert.equal([bad.status, bad.body.path], [400, "type"], String(type));
  }
  assert.is((await api.call("POST", "/bttns/porch/press", { bearer: admin })).status, 400, "no body");
  assert.is((await api.call("POST", "/bttns/porch/press", { json: { type: "pressed" } })).status, 401);
  const key = (await api.call("POST", "/keys", { bearer: admin, json: { name: "ha", bttns: ["porch"] } })).body.key;
  assert.is((await api.call("POST", "/bttns/porch/press", { key, json: { type: "pressed" } })).status, 403);
});

t("from the console: the session cookie with the relay's Origin presses; without it, refused", async ({ rig, api, admin }) => {
  const origin = "http://127.0.0.1:" + rig.relay.httpPort;
  const cookie = (await api.call("POST", "/session", { json: { token: admin } })).headers.get("set-cookie")!.split(";")[0];
  assert.is((await api.call("POST", "/bttns/porch/press", { headers: { cookie }, json: { type: "pressed" } })).status, 403);
  const a = await api.call("POST", "/bttns/porch/press", { headers: { cookie, origin }, json: { type: "pressed" } });
  assert.equal([a.status, a.body.state], [200, "ok"]);
  for (const x of api.answers) assert.not.ok(x.text.includes(BASIC_PASSWORD) || x.text.includes(admin), x.path);
  assert.not.ok(rig.logs.some((l) => l.includes(BASIC_PASSWORD)));
});

t.run();
