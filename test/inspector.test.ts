// The request inspector (relay/src/inspector/, GET /api/v1/inspector/runs): every action run with
// the request as sent and the answer, newest first, credentials and callback tokens masked, the
// async callback that decided it, virtual presses marked, bounded as configured.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { apiClient, firstStartToken } from "./support/api-client";
import { startRig } from "./support/relay-rig";
import { sleep, waitFor } from "./support/temp";

const SECRETS = ["url-pass-1", "basic-pass-2", "header-token-3", "form-token-4"];

test("runs are shown as sent and answered, masked, newest first, filtered, bounded; an async run shows its callback", async () => {
  const rig = await startRig("embedded", (sink) => ({
    relay: { inspector: { runs: 3, bodyBytes: 64 } },
    bttns: {
      porch: {
        secret: "porch-secret-1",
        actions: {
          pressed: { http: { url: sink.url("/hook?test=test").replace("http://", "http://me:" + SECRETS[0] + "@"), headers: { "X-Api-Key": SECRETS[2], "X-Plain": "shown" }, auth: { type: "basic", username: "me", password: SECRETS[1] } } },
          "pressed-long": { http: { method: "POST", url: sink.url("/form"), args: { test: "test", token: SECRETS[3], back: "<CALLBACKURL>" }, async: true, callbackTimeout: 5000 } },
          "pressed-double": { http: { url: sink.url("/big") } },
        },
      },
      shed: { secret: "shed-secret-1", actions: { pressed: { http: { url: sink.url("/shed") } } } },
    },
  }));
  const api = apiClient(() => rig.relay.httpPort);
  const admin = firstStartToken(rig.logs);
  try {
    let callbackUrl = "";
    rig.sink.respond((q, res) => {
      if (q.url.startsWith("/form")) callbackUrl = new URLSearchParams(q.body).get("back") ?? "";
      if (q.url === "/big") return void res.writeHead(503, { "content-type": "text/plain", "set-cookie": "s=1" }).end("x".repeat(500));
      res.writeHead(200, { "content-type": "application/json" }).end('{"seen":true}');
    });
    const d = await rig.device("porch");
    assert.is((await d.result(await d.press("pressed"))).state, "ok");

    const first = await api.call("GET", "/inspector/runs", { bearer: admin });
    assert.is(first.status, 200);
    assert.equal(first.body.kept, { runs: 3, bodyBytes: 64 });
    const run = first.body.runs[0];
    assert.equal([run.bttn, run.type, run.virtual, run.outcome, run.request.method, run.request.auth], ["porch", "pressed", false, "ok", "GET", "basic"]);
    assert.match(run.request.url, /\/hook\?test=test$/);
    assert.is(run.request.headers["x-api-key"], "[redacted]");
    assert.is(run.request.headers["x-plain"], "shown");
    assert.equal([run.answer.status, run.answer.body.text], [200, '{"seen":true}']);

    // Async: the form body is masked (token and the callback URL's token), the run waits, the callback decides.
    const long = await d.press("pressed-long");
    await waitFor(() => callbackUrl, 3000, "the callback URL reached the webhook");
    const waiting = (await api.call("GET", "/inspector/runs?outcome=waiting", { bearer: admin })).body.runs;
    assert.is(waiting.length, 1);
    assert.is(waiting[0].request.body.text.includes(SECRETS[3]), false);
    assert.match(waiting[0].request.body.text, /test=test&token=%5Bredacted%5D&back=/);
    assert.is(waiting[0].request.body.text.includes(callbackUrl.slice(callbackUrl.lastIndexOf("/") + 1)), false, "the callback token is masked");
    assert.is((await fetch(callbackUrl, { method: "POST", headers: { "content-type": "application/json" }, body: '{"result":"Negative"}' })).status, 200);
    assert.is((await d.result(long)).reason, "negative");
    const decided = (await api.call("GET", "/inspector/runs/" + waiting[0].id, { bearer: admin })).body;
    assert.equal([decided.outcome, decided.reason, decided.callback.outcome, decided.callback.reason], ["fail", "negative", "fail", "negative"]);

    // A big refused answer is cut to bodyBytes and its cookie masked; a virtual press is marked.
    assert.is((await d.result(await d.press("pressed-double"))).reason, "http");
    const shed = rig.relay.bttns.get("shed")!;
    const eventId = await rig.relay.pipeline.pressVirtually(shed, "pressed").recorded;
    assert.ok(eventId! > 0);
    let all: any[] = [];
    for (let i = 0; i < 100 && !(all[0]?.bttn === "shed" && all[0].outcome !== "running"); i++) {
      if (i) await sleep(20);
      all = (await api.call("GET", "/inspector/runs", { bearer: admin })).body.runs;
    }
    assert.equal(all.map((r: { type: string }) => r.type), ["pressed", "pressed-double", "pressed-long"], "three kept, newest first");
    assert.equal([all[0].virtual, all[0].eventId, all[0].outcome], [true, eventId, "ok"]);
    const big = all[1];
    assert.equal([big.outcome, big.reason, big.answer.status, big.answer.body.bytes, big.answer.body.truncated, big.answer.body.text.length], ["fail", "http", 503, 500, true, 64]);
    assert.is(big.answer.headers["set-cookie"], "[redacted]");
    assert.equal((await api.call("GET", "/inspector/runs?bttn=porch&outcome=fail", { bearer: admin })).body.runs.map((r: { type: string }) => r.type), ["pressed-double", "pressed-long"]);
    assert.is((await api.call("GET", "/inspector/runs/" + run.id, { bearer: admin })).status, 404, "the oldest run went");

    for (const a of api.answers) for (const s of SECRETS) assert.not.ok(a.text.includes(s), a.path + " shows a secret");
  } finally {
    await rig.close();
  }
});

test("only admins read the inspector", async () => {
  const rig = await startRig("embedded", () => ({ bttns: {} }));
  const api = apiClient(() => rig.relay.httpPort);
  try {
    assert.is((await api.call("GET", "/inspector/runs")).status, 401);
  } finally {
    await rig.close();
  }
});

test.run();
