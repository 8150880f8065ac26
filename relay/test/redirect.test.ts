// The redirect layer against real servers on loopback, composed with the auth layer and the
// transport exactly as relay.ts composes them (redirects outermost), plus one pass through the
// whole relay to show the wiring: followRedirects off → `fail http 302`, on → ok.
import { suite, test } from "uvu";
import * as assert from "uvu/assert";
import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { httpActionSchema, HttpActionInput } from "../src/config/schema";
import { ActionEngine, ActionPress, Outcome } from "../src/engine/engine";
import { authLayer } from "../src/engine/auth/layer";
import { redirectLayer } from "../src/engine/redirect";
import { makePki, TestPki } from "../../test/support/certs";
import { startRig } from "../../test/support/relay-rig";
import { httpServer } from "../../test/support/servers";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Route = (q: Seen, res: import("node:http").ServerResponse) => void;

/** A server whose paths are routes; every request is recorded with its headers and body. */
async function site(routes: Record<string, Route>, opts: { tls?: TestPki["selfSigned"] } = {}) {
  const seen: Seen[] = [];
  const s = await httpServer((q, res) => {
    const r: Seen = { method: q.method ?? "", url: q.url ?? "", headers: q.headers, body: q.body };
    seen.push(r);
    const path = r.url.split("?")[0];
    const route = routes[path];
    if (route) route(r, res);
    else res.writeHead(404).end("no route " + path);
  }, opts);
  return Object.assign(s, { seen, at: (path: string) => seen.filter((x) => x.url.split("?")[0] === path) });
}

const redirect = (status: number, location: string): Route => (_q, res) => void res.writeHead(status, { location }).end("moved");
const ok: Route = (q, res) => void res.end("final " + q.method + " " + q.body);

const press: ActionPress = {
  bttn: { id: "porch", props: {} },
  eventId: 1,
  boot: "9f2c41aa",
  seq: 7,
  type: "pressed",
  pressedAt: Date.now(),
  age: 0,
  counters: { total: 1, pressed: 1, "pressed-long": 0, "pressed-double": 0, "not-pressed": 0, heartbeat: 0 },
};

let engine: ActionEngine;

/** Runs an action the way a press does: schema defaults, then the engine. */
function perform(input: HttpActionInput): Promise<Outcome> {
  return engine.run(httpActionSchema.parse(input), press);
}

const t = suite<{ a: Awaited<ReturnType<typeof site>>; b: Awaited<ReturnType<typeof site>>; pki: TestPki; secure: Awaited<ReturnType<typeof site>> }>("redirects");

t.before(async (c) => {
  try {
    engine = new ActionEngine()
      .use((a) => (a.followRedirects ? redirectLayer() : undefined))
      .use((a) => (a.auth ? authLayer(a.auth) : undefined));
    c.pki = makePki();
    let aOrigin = "";
    c.b = await site({ "/final": ok, "/to-a": (q, res) => redirect(302, aOrigin + "/final")(q, res) });
    const bFinal = c.b.url("/final");
    c.a = await site({
      "/final": ok,
      "/302": redirect(302, "/final"),
      "/301": redirect(301, "/final"),
      "/303": redirect(303, "/final"),
      "/307": redirect(307, "/final"),
      "/308": redirect(308, "/final"),
      "/dir/rel": redirect(302, "../final?from=rel"),
      "/dir/sibling": redirect(302, "x"),
      "/dir/x": ok,
      "/chain": (q, res) => {
        const n = Number(new URL("http://h" + q.url).searchParams.get("n") ?? "0");
        const max = Number(new URL("http://h" + q.url).searchParams.get("max"));
        if (n < max) res.writeHead(302, { location: "/chain?n=" + (n + 1) + "&max=" + max }).end();
        else res.end("after " + n);
      },
      "/no-location": (_q, res) => void res.writeHead(302).end(),
      "/300": redirect(300, "/final"),
      "/to-ftp": redirect(302, "ftp://127.0.0.1/file"),
      "/bad-location": redirect(302, "http://[nope"),
      "/to-b": redirect(307, bFinal),
      "/to-b-and-back": redirect(302, c.b.url("/to-a")),
      "/slow-redirect": (_q, res) => void setTimeout(() => res.writeHead(302, { location: "/slow-final" }).end(), 200),
      "/slow-final": (_q, res) => void setTimeout(() => res.end("late"), 200),
    });
    aOrigin = c.a.url("").replace(/\/$/, "");
    c.secure = await site({ "/to-http": redirect(302, c.a.url("/final")), "/final": ok, "/to-https-same": redirect(302, "/final") }, { tls: c.pki.selfSigned });
  } catch (e) {
    console.error("redirect set-up failed:", e);
    throw e;
  }
});

t.after(async (c) => {
  await engine?.close();
  await c.a?.close();
  await c.b?.close();
  await c.secure?.close();
  c.pki?.remove();
});

t("without followRedirects a 3xx is fail http with its code, and nothing is followed", async ({ a }) => {
  const before = a.at("/final").length;
  const o = await perform({ url: a.url("/302") });
  assert.equal([o.ok, o.reason, o.status], [false, "http", 302]);
  assert.is(a.at("/final").length, before);
});

t("301 and 302 are followed for GET; a relative Location resolves against the URL that answered", async ({ a }) => {
  for (const p of ["/301", "/302"]) {
    const o = await perform({ url: a.url(p), followRedirects: true });
    assert.equal([o.ok, o.status], [true, 200], p);
  }
  assert.is((await perform({ url: a.url("/dir/rel"), followRedirects: true })).status, 200);
  assert.is(a.seen.at(-1)!.url, "/final?from=rel");
  assert.is((await perform({ url: a.url("/dir/sibling"), followRedirects: true })).status, 200);
  assert.is(a.seen.at(-1)!.url, "/dir/x");
});

t("301/302 turn POST into GET without a body; 303 turns POST and PUT into GET", async ({ a }) => {
  for (const [p, method] of [["/301", "POST"], ["/302", "POST"], ["/303", "POST"], ["/303", "PUT"], ["/303", "PATCH"]] as const) {
    const o = await perform({ method, url: a.url(p), format: "json", args: { n: 1 }, followRedirects: true });
    assert.is(o.status, 200, p + " " + method);
    const [hop, final] = a.seen.slice(-2);
    assert.equal([hop.method, hop.body], [method, '{"n":1}']);
    assert.equal([final.method, final.body, final.headers["content-type"], final.headers["content-length"]], ["GET", "", undefined, undefined], p + " " + method);
  }
});

t("301/302 keep PUT and its body; 307 and 308 keep method and body", async ({ a }) => {
  for (const [p, method] of [["/301", "PUT"], ["/302", "PUT"], ["/307", "POST"], ["/308", "POST"], ["/307", "PUT"], ["/308", "PATCH"]] as const) {
    const o = await perform({ method, url: a.url(p), args: { who: "porch", n: "<COUNTER>" }, followRedirects: true });
    assert.is(o.status, 200, p + " " + method);
    const final = a.seen.at(-1)!;
    assert.equal([final.url, final.method, final.body, final.headers["content-type"]], ["/final", method, "who=porch&n=1", "application/x-www-form-urlencoded"], p + " " + method);
  }
});

t("at most 5 redirects: 5 are followed, a 6th is fail http with the 3xx code", async ({ a }) => {
  const five = await perform({ url: a.url("/chain?n=0&max=5"), followRedirects: true });
  assert.equal([five.ok, five.status], [true, 200]);
  assert.is(a.seen.at(-1)!.url, "/chain?n=5&max=5");
  const before = a.seen.length;
  const six = await perform({ url: a.url("/chain?n=0&max=6"), followRedirects: true });
  assert.equal([six.ok, six.reason, six.status], [false, "http", 302]);
  assert.match(six.error ?? "", /more than 5 redirects/);
  assert.is(a.seen.length - before, 6, "the first request and five redirects, no more");
});

t("never from https to http; http to https and https to https are fine", async ({ a, secure }) => {
  const before = a.at("/final").length;
  const down = await perform({ url: secure.url("/to-http"), insecure: true, followRedirects: true });
  assert.equal([down.ok, down.reason, down.status], [false, "http", 302]);
  assert.match(down.error ?? "", /from https to http/);
  assert.is(a.at("/final").length, before, "the http URL was never requested");
  const same = await perform({ url: secure.url("/to-https-same"), insecure: true, followRedirects: true });
  assert.equal([same.ok, same.status], [true, 200]);
});

t("a 3xx without Location, a 300, a Location that is not a URL or not http(s): fail http with the code", async ({ a }) => {
  for (const [p, code, why] of [["/no-location", 302, /HTTP 302/], ["/300", 300, /HTTP 300/], ["/bad-location", 302, /not a valid URL/], ["/to-ftp", 302, /ftp:/]] as const) {
    const o = await perform({ url: a.url(p), followRedirects: true });
    assert.equal([o.ok, o.reason, o.status], [false, "http", code], p);
    assert.match(o.error ?? "", why);
  }
});

t("the action's timeout covers all hops together", async ({ a }) => {
  const started = Date.now();
  const o = await perform({ url: a.url("/slow-redirect"), followRedirects: true, timeout: 300 });
  assert.equal([o.ok, o.reason], [false, "timeout"]);
  assert.ok(Date.now() - started < 1000);
  const slow = await perform({ url: a.url("/slow-redirect"), followRedirects: true, timeout: 2000 });
  assert.equal([slow.ok, slow.status], [true, 200]);
});

t("same origin: custom auth headers and Basic credentials follow the redirect", async ({ a }) => {
  const o = await perform({ url: a.url("/302"), headers: { "X-Api-Key": "k-123", "X-Trace": "t1" }, auth: { type: "basic", username: "u", password: "p-secret" }, followRedirects: true });
  assert.is(o.status, 200);
  const final = a.seen.at(-1)!;
  assert.equal([final.url, final.headers["x-api-key"], final.headers["x-trace"]], ["/final", "k-123", "t1"]);
  assert.is(final.headers.authorization, "Basic " + Buffer.from("u:p-secret").toString("base64"));
});

t("the press's Idempotency-Key goes along to another origin (it names the press, it is no credential)", async ({ a, b }) => {
  const action = httpActionSchema.parse({ method: "POST", url: a.url("/to-b"), headers: { "X-Api-Key": "k-123" }, args: { n: "1" }, followRedirects: true });
  assert.is((await engine.run(action, press)).status, 200);
  assert.is(a.at("/to-b").at(-1)!.headers["idempotency-key"], '"porch:9f2c41aa:7"');
  const atB = b.at("/final").at(-1)!;
  assert.equal([atB.headers["idempotency-key"], atB.headers["x-api-key"]], ['"porch:9f2c41aa:7"', undefined]);
});

t("another origin gets no Authorization, no auth-looking headers and no Basic credentials, and they do not come back", async ({ a, b }) => {
  const o = await perform({
    method: "POST",
    url: a.url("/to-b"),
    headers: { Authorization: "Bearer tok-abc", "X-Api-Key": "k-123", "X-Auth-Token": "t-456", Cookie: "s=1", "X-Trace": "t1" },
    args: { n: "1" },
    followRedirects: true,
  });
  assert.is(o.status, 200);
  const atA = a.at("/to-b").at(-1)!;
  assert.is(atA.headers.authorization, "Bearer tok-abc");
  const atB = b.at("/final").at(-1)!;
  assert.equal([atB.method, atB.body, atB.headers["x-trace"]], ["POST", "n=1", "t1"], "307 kept method and body");
  for (const h of ["authorization", "x-api-key", "x-auth-token", "cookie"]) assert.is(atB.headers[h], undefined, h);

  const basic = await perform({ url: a.url("/to-b"), auth: { type: "basic", username: "u", password: "p-secret" }, followRedirects: true });
  assert.is(basic.status, 200);
  assert.is(a.at("/to-b").at(-1)!.headers.authorization, "Basic " + Buffer.from("u:p-secret").toString("base64"));
  assert.is(b.at("/final").at(-1)!.headers.authorization, undefined);

  // b sends us back to a's origin: the credentials stay behind for the rest of the chain.
  const back = await perform({ url: a.url("/to-b-and-back"), headers: { "X-Api-Key": "k-123" }, auth: { type: "basic", username: "u", password: "p-secret" }, followRedirects: true });
  assert.is(back.status, 200);
  const [start, final] = [a.at("/to-b-and-back").at(-1)!, a.at("/final").at(-1)!];
  assert.ok(start.headers.authorization && start.headers["x-api-key"], "the first hop had them");
  assert.equal([final.headers.authorization, final.headers["x-api-key"]], [undefined, undefined]);
});

t.run();

// --- Digest across redirects ----------------------------------------------------------------------

// A Digest server written here from RFC 7616 (MD5, qop=auth), independent of the relay's code: it
// issues its own nonces, checks every response, and records what each request carried.
function digestSite(realm: string, routes: Record<string, Route>) {
  const nonces = new Set<string>();
  const H = (s: string) => createHash("md5").update(s).digest("hex");
  const params = (h: string) => Object.fromEntries([...h.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)].map((m) => [m[1], m[2] ?? m[3]]));
  const log: Array<{ url: string; auth?: Record<string, string>; status: number }> = [];
  return site(
    Object.fromEntries(
      Object.entries(routes).map(([path, route]) => [
        path,
        ((q, res) => {
          const h = q.headers.authorization;
          const p = h && h.startsWith("Digest ") ? params(h.slice(7)) : undefined;
          const good =
            p &&
            nonces.has(p.nonce) &&
            p.realm === realm &&
            p.uri === q.url &&
            p.response === H(H(p.username + ":" + realm + ":pw-digest") + ":" + p.nonce + ":" + p.nc + ":" + p.cnonce + ":auth:" + H(q.method + ":" + p.uri));
          if (!good) {
            const nonce = randomBytes(8).toString("hex");
            nonces.add(nonce);
            log.push({ url: q.url, auth: p, status: 401 });
            return void res.writeHead(401, { "www-authenticate": `Digest realm="${realm}", qop="auth", nonce="${nonce}", algorithm=MD5` }).end();
          }
          log.push({ url: q.url, auth: p, status: 200 });
          route(q, res);
        }) as Route,
      ]),
    ),
  ).then((s) => Object.assign(s, { log }));
}

test("Digest: a same-origin redirect is signed with the nonce it has (uri of the new path); another origin challenges afresh and gets nothing", async () => {
  const b = await digestSite("realm b", { "/final": ok });
  const a = await digestSite("realm a", { "/start": redirect(302, "/final"), "/final": ok, "/away": redirect(307, b.url("/final")) });
  const e = new ActionEngine().use((x) => (x.followRedirects ? redirectLayer() : undefined)).use((x) => (x.auth ? authLayer(x.auth) : undefined));
  const action = httpActionSchema.parse({ url: a.url("/start"), auth: { type: "digest", username: "bttn", password: "pw-digest" }, followRedirects: true });
  try {
    const o = await e.run(action, press);
    assert.equal([o.ok, o.status], [true, 200]);
    assert.equal(
      a.log.map((x) => [x.url, x.status, x.auth?.uri, x.auth?.nc]),
      [
        ["/start", 401, undefined, undefined],
        ["/start", 200, "/start", "00000001"],
        ["/final", 200, "/final", "00000002"],
      ],
      "one challenge, then the cached nonce with a growing nc on the new path",
    );

    const away = httpActionSchema.parse({ url: a.url("/away"), auth: { type: "digest", username: "bttn", password: "pw-digest" }, followRedirects: true });
    const o2 = await e.run(away, press);
    assert.equal([o2.ok, o2.reason, o2.status], [false, "http", 401], "b's challenge is not answered with a's credentials");
    assert.ok(a.log.some((x) => x.url === "/away" && x.status === 200), "a accepted the signed request");
    assert.equal(b.log.map((x) => [x.url, x.status, x.auth]), [["/final", 401, undefined]], "b saw one unsigned request, never a's nonce");
  } finally {
    await e.close();
    await a.close();
    await b.close();
  }
});

test("through the relay: followRedirects off fails with http 302, on follows to ok", async () => {
  const s = await site({ "/old": redirect(302, "/new"), "/new": ok });
  const rig = await startRig("embedded", () => ({
    bttns: {
      porch: {
        secret: "porch-secret-1",
        actions: {
          pressed: { http: { url: s.url("/old") } },
          "pressed-long": { http: { url: s.url("/old"), followRedirects: true } },
        },
      },
    },
  }));
  try {
    const d = await rig.device("porch");
    const off = await d.result(await d.press("pressed"));
    assert.equal([off.state, off.reason, off.code], ["fail", "http", 302]);
    const on = await d.result(await d.press("pressed-long"));
    assert.equal([on.state, on.code], ["ok", 200]);
    assert.equal(s.seen.map((x) => x.url), ["/old", "/old", "/new"]);
    const feed = await rig.relay.events.feed("porch", {});
    assert.equal(feed.map((f) => [f.type, f.state, f.reason, f.code]), [["pressed-long", "ok", null, 200], ["pressed", "fail", "http", 302]]);
  } finally {
    await rig.close();
    await s.close();
  }
});

test.run();
