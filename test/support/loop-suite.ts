// The relay's core loop, run the same way against each broker kind.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { freePort } from "./daemon";
import { startRig, Rig, BrokerKind } from "./relay-rig";
import { sleep, waitFor } from "./temp";

export const SECRET = "kitchen-secret-1";

export function loopSuite(kind: BrokerKind) {
  const t = suite<{ rig: Rig; dead: number }>("relay loop on " + kind);

  t.before(async (ctx) => {
    ctx.dead = await freePort(); // nothing listens there: connections are refused
    ctx.rig = await startRig(kind, (sink) => ({
      bttns: {
        kitchen: {
          name: "Kitchen",
          secret: SECRET,
          actions: {
            pressed: { http: { method: "GET", url: sink.url("/get"), args: { who: "kitchen", n: "<COUNTER>" }, headers: { "X-Token": "abc" } } },
            "pressed-long": { http: { method: "POST", url: sink.url("/post"), format: "json", args: { who: "kitchen", deep: { ok: true }, type: "<ETYPE>" } } },
            "pressed-double": { http: { method: "PUT", url: sink.url("/put"), format: "form", args: { a: "1 2", b: "x&y" } } },
          },
        },
        failing: {
          secret: "failing-secret-1",
          actions: {
            pressed: { http: { url: sink.url("/404") } },
            "pressed-long": { http: { url: sink.url("/500") } },
            "pressed-double": { http: { url: `http://127.0.0.1:${ctx.dead}/x` } },
            heartbeat: { http: { url: sink.url("/slow"), timeout: 300 } },
          },
        },
      },
    }));
    ctx.rig.sink.respond((req, res) => {
      if (req.url.startsWith("/404")) return void ((res.statusCode = 404), res.end("nope"));
      if (req.url.startsWith("/500")) return void ((res.statusCode = 500), res.end("boom"));
      if (req.url.startsWith("/slow")) return; // never answers
      res.end("ok");
    });
  });
  t.after(async (ctx) => ctx.rig?.close());

  t("GET: args in the query string, headers; ok with the code, no pending for a fast webhook", async ({ rig }) => {
    const d = await rig.device("kitchen");
    const seq = await d.press("pressed", { bat: 3.1, rssi: -55 });
    const r = await d.result(seq);
    assert.equal(r.state, "ok");
    assert.is(r.code, 200);
    assert.not.ok(d.results.find((x) => x.seq === seq && x.state === "pending"), "a fast answer needs no pending");
    const got = rig.sink.received.find((x) => x.url.startsWith("/get"))!;
    assert.is(got.method, "GET");
    assert.is(got.url, "/get?who=kitchen&n=1");
    assert.is(got.headers["x-token"], "abc");
    assert.is(got.body, "");
  });

  t("POST JSON and PUT form arrive with method, body and content type", async ({ rig }) => {
    const d = await rig.device("kitchen");
    assert.is((await d.result(await d.press("pressed-long"))).state, "ok");
    assert.is((await d.result(await d.press("pressed-double"))).state, "ok");
    const post = rig.sink.received.find((x) => x.url === "/post")!;
    assert.is(post.method, "POST");
    assert.is(post.headers["content-type"], "application/json");
    assert.equal(JSON.parse(post.body), { who: "kitchen", deep: { ok: true }, type: "pressed-long" });
    const put = rig.sink.received.find((x) => x.url === "/put")!;
    assert.is(put.method, "PUT");
    assert.is(put.headers["content-type"], "application/x-www-form-urlencoded");
    assert.is(put.body, "a=1+2&b=x%26y");
  });

  t("404 and 500 fail with reason http and the code", async ({ rig }) => {
    const d = await rig.device("failing");
    const a = await d.result(await d.press("pressed"));
    assert.equal([a.state, a.reason, a.code], ["fail", "http", 404]);
    const b = await d.result(await d.press("pressed-long"));
    assert.equal([b.state, b.reason, b.code], ["fail", "http", 500]);
  });

  t("refused connection; a server that never answers gets pending, then timeout", async ({ rig }) => {
    const d = await rig.device("failing");
    const a = await d.result(await d.press("pressed-double"));
    assert.equal([a.state, a.reason], ["fail", "refused"]);
    const started = Date.now();
    const seq = await d.press("heartbeat");
    const b = await d.result(seq);
    assert.equal([b.state, b.reason], ["fail", "timeout"]);
    assert.ok(Date.now() - started < 3000, "the 300 ms timeout was applied");
    const pending = d.results.find((x) => x.seq === seq && x.state === "pending");
    assert.ok(pending, "a slow action announces pending with the time to wait");
    assert.is(pending!.wait, 300);
    assert.ok(d.results.indexOf(pending!) < d.results.indexOf(b));
  });

  t("no action for the event type fails with no-action", async ({ rig }) => {
    const d = await rig.device("kitchen");
    const r = await d.result(await d.press("heartbeat"), ["ok", "fail"], 1500).catch(() => undefined);
    // A heartbeat without an action needs no answer; a press type without one does.
    assert.is(r, undefined);
    await rig.restart({
      bttns: { kitchen: { secret: SECRET, actions: {} } },
    });
    const d2 = await rig.device("kitchen");
    const r2 = await d2.result(await d2.press("pressed"));
    assert.equal([r2.state, r2.reason], ["fail", "no-action"]);
  });

  return t;
}

export function duplicateSuite(kind: BrokerKind) {
  const t = suite<{ rig: Rig }>("exactly once on " + kind);
  t.before(async (ctx) => {
    ctx.rig = await startRig(kind, (sink) => ({
      bttns: { kitchen: { secret: SECRET, actions: { pressed: { http: { url: sink.url("/once"), args: { n: "<COUNTER>" } } } } } },
    }));
  });
  t.after(async (ctx) => ctx.rig?.close());

  t("a redelivered press fires once and gets its result again", async ({ rig }) => {
    const d = await rig.device("kitchen");
    const seq = await d.press("pressed");
    await d.result(seq);
    await d.press("pressed", { seq });
    await waitFor(() => d.results.filter((r) => r.seq === seq && r.state === "ok").length === 2, 3000, "the result repeated");
    await sleep(100);
    assert.is(rig.sink.received.filter((r) => r.url.startsWith("/once")).length, 1);
    assert.is(rig.duplicates(), 1);
  });

  t("a duplicate while the first is still in flight does not fire again", async ({ rig }) => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    rig.sink.respond((_q, res) => void gate.then(() => res.end("ok")));
    const d = await rig.device("kitchen");
    const before = rig.sink.received.length;
    const seq = await d.press("pressed");
    await waitFor(() => rig.sink.received.length === before + 1, 3000, "first request");
    await d.press("pressed", { seq });
    await d.press("pressed", { seq });
    await sleep(150);
    release();
    await d.result(seq);
    await sleep(100);
    assert.is(rig.sink.received.length, before + 1);
    rig.sink.respond((_q, res) => res.end("ok"));
  });

  t("restart keeps counters and the feed", async ({ rig }) => {
    const d = await rig.device("kitchen");
    await d.result(await d.press("pressed"));
    const n = Number(new URL("http://x" + rig.sink.received.at(-1)!.url).searchParams.get("n"));
    assert.ok(n >= 2);
    await rig.restart();
    const d2 = await rig.device("kitchen");
    await d2.result(await d2.press("pressed"));
    const n2 = Number(new URL("http://x" + rig.sink.received.at(-1)!.url).searchParams.get("n"));
    assert.is(n2, n + 1);
    // In a group the newest run may land from the other relay's queue a moment after the answer.
    const feed = await waitFor(async () => {
      const f = await rig.relay.events.feed("kitchen", {});
      return f[0]?.runs.length > 0 && f;
    }, 3000, "the newest press's run in the feed");
    assert.is(feed.length, n2);
    assert.is(feed[0].counter, n2);
    assert.is(feed[0].state, "ok");
    assert.is(feed[0].runs[0].status, 200);
    assert.is((await rig.relay.events.getCounters("kitchen")).pressed, n2);
  });
  return t;
}
