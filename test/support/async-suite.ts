// Asynchronous actions end to end, run the same way against each broker kind (one relay, or a
// group): the relay's request carries <CALLBACKURL>; the user's server answers at once and later
// calls the URL with its verdict.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { startRig, Rig, BrokerKind } from "./relay-rig";
import type { Received } from "./webhook-sink";
import { sleep, waitFor } from "./temp";

const SECRET = "kitchen-secret-1";
type Ctx = { rig: Rig };

function callbackUrlOf(r: Received): string {
  return JSON.parse(r.body).cb as string;
}

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.text() };
}

const json = (result: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ result }) });

async function pressAndGetCallback(rig: Rig, type: "pressed" | "pressed-long" | "pressed-double" = "pressed") {
  const d = await rig.device("kitchen");
  const before = rig.sink.received.length;
  const seq = await d.press(type);
  await waitFor(() => rig.sink.received.length > before, 3000, "the first request");
  const url = callbackUrlOf(rig.sink.received[before]);
  return { d, seq, url };
}

export function asyncSuite(kind: BrokerKind) {
  const t = suite<Ctx>("async callbacks on " + kind);
  t.before(async (ctx) => {
    ctx.rig = await startRig(kind, (sink) => ({
      bttns: {
        kitchen: {
          secret: SECRET,
          actions: {
            pressed: { http: { method: "POST", url: sink.url("/async"), format: "json", args: { cb: "<CALLBACKURL>", n: "<COUNTER>" }, async: true, callbackTimeout: 1500 } },
            "pressed-long": { http: { method: "POST", url: sink.url("/fail-first"), format: "json", args: { cb: "<CALLBACKURL>" }, async: true } },
            "pressed-double": { http: { method: "POST", url: sink.url("/early"), format: "json", args: { cb: "<CALLBACKURL>" }, async: true } },
          },
        },
      },
    }));
    ctx.rig.sink.respond((req, res) => {
      if (req.url === "/fail-first") return void ((res.statusCode = 500), res.end());
      if (req.url === "/early") {
        // A server that calls back before it answers our request.
        void call(callbackUrlOf(req), json("Positive")).then(() => res.end("ok"));
        return;
      }
      res.end("ok");
    });
  });
  t.after(async (ctx) => ctx.rig?.close());

  t("Positive: pending while waiting, then ok; the token is single use", async ({ rig }) => {
    const { d, seq, url } = await pressAndGetCallback(rig);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/callback\/[A-Za-z0-9_-]{32}$/);
    const pending = await d.result(seq, ["pending"]);
    assert.ok(pending.wait! > 1000 && pending.wait! <= 1500, "wait is what is left of the callback timeout: " + pending.wait);
    assert.equal(await call(url, json("Positive")), { status: 200, body: '{"accepted":"ok"}' });
    const r = await d.result(seq);
    assert.is(r.state, "ok");
    assert.is((await call(url, json("Positive"))).status, 404, "a second callback finds nothing");
    await sleep(50);
    assert.is(d.results.filter((x) => x.seq === seq && (x.state === "ok" || x.state === "fail")).length, 1, "counted once");
    // Decided by the callback, the press still ends in its one outcome line; the token is not in it.
    assert.ok(rig.logs.some((l) => /press ok bttn=kitchen type=pressed outcome=ok durationMs=\d+$/.test(l)), rig.logs.filter((l) => l.includes("press ")).join("\n"));
    assert.not.ok(rig.logs.some((l) => l.includes(url.slice(url.lastIndexOf("/") + 1))), "the callback token is in the log");
  });

  t("Negative and fail → fail with reason negative; success works as form PUT and as GET", async ({ rig }) => {
    let p = await pressAndGetCallback(rig);
    assert.is((await call(p.url, json("Negative"))).status, 200);
    let r = await p.d.result(p.seq);
    assert.equal([r.state, r.reason], ["fail", "negative"]);
    p = await pressAndGetCallback(rig);
    assert.is((await call(p.url, json("fail"))).status, 200);
    r = await p.d.result(p.seq);
    assert.equal([r.state, r.reason], ["fail", "negative"]);
    p = await pressAndGetCallback(rig);
    assert.is((await call(p.url, { method: "PUT", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "result=success" })).status, 200);
    assert.is((await p.d.result(p.seq)).state, "ok");
    p = await pressAndGetCallback(rig);
    assert.is((await call(p.url + "?result=SUCCESS")).status, 200);
    assert.is((await p.d.result(p.seq)).state, "ok");
  });

  t("Wait moves the deadline and sends a new pending", async ({ rig }) => {
    const { d, seq, url } = await pressAndGetCallback(rig);
    await d.result(seq, ["pending"]);
    await sleep(1000);
    assert.is((await call(url, json("Wait"))).status, 200);
    await waitFor(() => d.results.filter((x) => x.seq === seq && x.state === "pending").length >= 2, 2000, "a second pending");
    await sleep(800); // past the first deadline (1.5 s after the press), inside the new one
    assert.not.ok(d.results.some((x) => x.seq === seq && x.state === "fail"), "the deadline moved");
    assert.is((await call(url, json("Positive"))).status, 200);
    assert.is((await d.result(seq)).state, "ok");
  });

  t("no callback in time → callback-timeout; the URL is dead afterwards", async ({ rig }) => {
    const { d, seq, url } = await pressAndGetCallback(rig);
    const r = await d.result(seq, ["ok", "fail"], 4000);
    assert.equal([r.state, r.reason], ["fail", "callback-timeout"]);
    assert.is((await call(url, json("Positive"))).status, 404);
  });

  t("the first request must succeed: a 500 fails the press and voids the callback", async ({ rig }) => {
    const { d, seq, url } = await pressAndGetCallback(rig, "pressed-long");
    const r = await d.result(seq);
    assert.equal([r.state, r.reason, r.code], ["fail", "http", 500]);
    assert.is((await call(url, json("Positive"))).status, 404);
  });

  t("a callback that arrives before the answer to our request still counts", async ({ rig }) => {
    const { d, seq } = await pressAndGetCallback(rig, "pressed-double");
    assert.is((await d.result(seq)).state, "ok");
  });

  t("malformed callbacks: 400, 413, 404; the press keeps waiting", async ({ rig }) => {
    const { d, seq, url } = await pressAndGetCallback(rig);
    assert.is((await call(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" })).status, 400);
    const bad = await call(url, json("Maybe"));
    assert.is(bad.status, 400);
    assert.match(bad.body, /Positive, Negative, Wait, success or fail/);
    assert.is((await call(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ result: "Positive", pad: "x".repeat(20_000) }) })).status, 413);
    assert.is((await call(url, { method: "POST", body: "[1]" })).status, 400);
    assert.is((await call(url.replace(/[^/]+$/, "A".repeat(32)), json("Positive"))).status, 404);
    assert.is((await call(url.replace(/[^/]+$/, "short"), json("Positive"))).status, 404);
    assert.is((await call(url, { method: "DELETE" })).status, 404);
    assert.is((await call(url, json("Positive"))).status, 200, "still waiting after all that");
    assert.is((await d.result(seq)).state, "ok");
  });

  t("a press redelivered while its callback is pending fires no second request", async ({ rig }) => {
    const { d, seq, url } = await pressAndGetCallback(rig);
    await d.result(seq, ["pending"]);
    const count = rig.sink.received.length;
    await d.press("pressed", { seq });
    await waitFor(() => d.results.filter((x) => x.seq === seq && x.state === "pending").length >= 2, 2000, "pending repeated");
    await sleep(100);
    assert.is(rig.sink.received.length, count);
    assert.is((await call(url, json("Positive"))).status, 200);
    assert.is((await d.result(seq)).state, "ok");
  });

  t("pending callbacks survive a relay restart, and the deadline still fires", async ({ rig }) => {
    const a = await pressAndGetCallback(rig);
    await a.d.result(a.seq, ["pending"]);
    const b = await pressAndGetCallback(rig);
    await b.d.result(b.seq, ["pending"]);
    await rig.restart();
    const d = await rig.device("kitchen");
    const port = rig.relay.httpPort;
    const moved = (u: string) => u.replace(/:\d+\/callback/, ":" + port + "/callback");
    assert.is((await call(moved(a.url), json("Positive"))).status, 200);
    await waitFor(() => d.results.find((x) => x.boot === a.d.boot && x.seq === a.seq && x.state === "ok"), 3000, "ok after restart");
    await waitFor(() => d.results.find((x) => x.boot === b.d.boot && x.seq === b.seq && x.state === "fail" && x.reason === "callback-timeout"), 4000, "timeout after restart");
    const feed = await rig.relay.events.feed("kitchen", { limit: 5 });
    assert.ok(feed.some((e) => e.seq === a.seq && e.boot === a.d.boot && e.state === "ok"));
  });

  return t;
}
