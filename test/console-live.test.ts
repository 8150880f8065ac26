// The console's live stream (GET /api/v1/live, server-sent events) against a real relay: presses
// (virtual and a device's) from taken to their end, device status, inspector runs, bin requests and
// bttn changes arrive as they happen; at most 16 streams; an idle console leaves the press path
// alone; and a relay stopping with streams open ends them and stops promptly.
import { suite } from "uvu";
import { encodeStatus } from "@bttn/shared";
import * as assert from "uvu/assert";
import { apiClient, ApiClient, firstStartToken } from "./support/api-client";
import { Live, openLive } from "./support/live";
import { startRig, Rig } from "./support/relay-rig";

const SECRETS = ["live-url-token-1", "live-header-token-2", "live-basic-pw-3"];

interface Ctx {
  rig: Rig;
  api: ApiClient;
  admin: string;
}

const t = suite<Ctx>("live stream");

t.before(async (ctx) => {
  ctx.rig = await startRig("embedded", (sink) => ({
    bttns: {
      porch: {
        secret: "porch-secret-1",
        actions: {
          pressed: { http: { url: sink.url("/ok?token=" + SECRETS[0]), headers: { "X-Token": SECRETS[1] }, auth: { type: "basic", username: "me", password: SECRETS[2] } } },
          "pressed-long": { http: { url: "http://127.0.0.1:1/refused" } },
        },
      },
    },
  }));
  ctx.api = apiClient(() => ctx.rig.relay.httpPort);
  ctx.admin = firstStartToken(ctx.rig.logs);
});

t.after(async (ctx) => {
  await ctx.rig?.close();
});

const liveUrl = (ctx: Ctx) => ctx.api.base() + "/live";

/** How many listen to the relay's news of presses taken (metrics do too). */
const takenListeners = (rig: Rig) => (rig.relay.news as unknown as { listeners: Record<string, unknown[]> }).listeners.taken.length;
let idle = 0;

t("nobody watching: the console adds no listener to the relay's news (an idle console costs the press path nothing)", ({ rig }) => {
  idle = takenListeners(rig);
  assert.ok(idle <= 1, "metrics at most");
});

t("presses, status, runs, bin requests and bttn changes arrive as they happen", async (ctx) => {
  const { rig, api, admin } = ctx;
  const live = await openLive(liveUrl(ctx), { authorization: "Bearer " + admin });
  try {
    // A virtual press: taken, then ok, and its run.
    const press = await api.call("POST", "/bttns/porch/press", { bearer: admin, json: { type: "pressed" } });
    const id = press.body.eventId;
    const taken = await live.next((e) => e.event === "press" && e.data.eventId === id && e.data.state === "taken");
    assert.equal([taken.data.bttn, taken.data.type, taken.data.virtual], ["porch", "pressed", true]);
    assert.ok(!isNaN(Date.parse(taken.data.at)));
    await live.next((e) => e.event === "press" && e.data.eventId === id && e.data.state === "ok");
    const run = await live.next((e) => e.event === "run" && e.data.eventId === id);
    assert.equal([run.data.id, run.data.virtual, run.data.outcome], [press.body.runs[0], true, "ok"]);

    // A device: online status, then a press of its own that fails.
    const d = await rig.device("porch");
    await d.raw("bttn/porch/status", encodeStatus({ v: 1, online: true, fw: "0.1.0" }));
    const online = await live.next((e) => e.event === "status" && e.data.online === true);
    assert.equal([online.data.bttn, online.data.firmware], ["porch", "0.1.0"]);
    const seq = await d.press("pressed-long", { bat: 3.1, rssi: -60 });
    const failed = await live.next((e) => e.event === "press" && e.data.state === "fail" && e.data.virtual === false);
    assert.equal([failed.data.type, failed.data.reason], ["pressed-long", "refused"]);
    const health = await live.next((e) => e.event === "status" && e.data.battery === 3.1);
    assert.equal([health.data.rssi, health.data.online], [-60, true]);
    assert.is((await d.result(seq)).state, "fail");

    // A bin's request.
    const bin = (await api.call("POST", "/bins", { bearer: admin, json: { name: "live" } })).body;
    assert.is((await fetch(bin.url + "?test=test")).status, 200);
    const got = await live.next((e) => e.event === "bin");
    assert.equal([got.data.bin, got.data.request.method, got.data.request.query], ["live", "GET", { test: "test" }]);

    // The bttns changed.
    assert.is((await api.call("POST", "/bttns", { bearer: admin, json: { id: "attic" } })).status, 201);
    assert.equal((await live.next((e) => e.event === "bttns")).data, {});

    // What was told shows no secret (the bin's request carried the action's, masked).
    assert.is((await api.call("PUT", "/bttns/attic/actions/pressed", { bearer: admin, json: { http: { url: bin.url + "?password=" + SECRETS[0], headers: { "X-Token": SECRETS[1] }, auth: { type: "basic", username: "me", password: SECRETS[2] } } } })).status, 200);
    assert.is((await api.call("POST", "/bttns/attic/press", { bearer: admin, json: { type: "pressed" } })).body.state, "ok");
    const binned = await live.next((e) => e.event === "bin" && e.data.request.query.password !== undefined);
    assert.equal([binned.data.request.query.password, binned.data.request.headers.authorization], ["[redacted]", "[redacted]"]);
    const told = JSON.stringify(live.events);
    for (const x of SECRETS) assert.not.ok(told.includes(x), "the live stream shows " + x);
  } finally {
    live.close();
    await live.ended;
  }
});

t("who may watch: admins (token or session cookie), nobody else", async (ctx) => {
  const { api, admin } = ctx;
  assert.is((await api.call("GET", "/live")).status, 401);
  const key = (await api.call("POST", "/keys", { bearer: admin, json: { name: "ha", bttns: ["porch"] } })).body.key;
  assert.is((await api.call("GET", "/live", { key })).status, 403);
  const cookie = (await api.call("POST", "/session", { json: { token: admin } })).headers.get("set-cookie")!.split(";")[0];
  const live = await openLive(liveUrl(ctx), { cookie }); // a GET: no Origin needed (EventSource sends none)
  live.close();
  await live.ended;
});

t("at most 16 streams (503 with Retry-After beyond); a closed one frees its place; none open: the news is let go", async (ctx) => {
  const { rig, api, admin } = ctx;
  const open: Live[] = [];
  for (let i = 0; i < 16; i++) open.push(await openLive(liveUrl(ctx), { authorization: "Bearer " + admin }));
  const refused = await api.call("GET", "/live", { bearer: admin });
  assert.is(refused.status, 503);
  assert.is(refused.headers.get("retry-after"), "5");
  assert.match(refused.body.error, /too many live streams/);
  open.pop()!.close();
  let again: Live | undefined;
  for (let i = 0; i < 50 && !again; i++) {
    const r = await fetch(liveUrl(ctx), { headers: { authorization: "Bearer " + admin } });
    if (r.status === 200) {
      await r.body!.cancel();
      again = {} as Live;
    } else await new Promise((res) => setTimeout(res, 20));
  }
  assert.ok(again, "a place was free again");
  assert.is(takenListeners(rig), idle + 1, "one listener for all streams");
  for (const l of open) l.close();
  await Promise.all(open.map((l) => l.ended));
  for (let i = 0; i < 50 && takenListeners(rig) > idle; i++) await new Promise((res) => setTimeout(res, 20));
  assert.is(takenListeners(rig), idle, "the last stream closed: the console listens no more");
});

t("a relay stopping with streams open ends them and stops promptly", async (ctx) => {
  const streams = [await openLive(liveUrl(ctx), { authorization: "Bearer " + ctx.admin }), await openLive(liveUrl(ctx), { authorization: "Bearer " + ctx.admin })];
  const started = Date.now();
  await ctx.rig.relay.close();
  await Promise.all(streams.map((s) => s.ended));
  assert.ok(Date.now() - started < 3000, "stopped in " + (Date.now() - started) + " ms");
});

t.run();
