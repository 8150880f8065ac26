// `bttn-relay action set|update|show|test|remove` and `bttn show` as a user runs them: real CLI
// processes, a real database, webhook servers on loopback (HTTP and HTTPS with a private CA).
// Every flag lands in the stored action and in the request `action test` sends, and no secret shows
// in any output. (Bad input, the password's ways in and each command's --help:
// test/cli-action-input.test.ts.)
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { refused, runCli, storedAction, succeeded } from "./support/cli";
import { makePki, TestPki } from "./support/certs";
import { closedPort, httpServer, TestServer } from "./support/servers";
import { startSink, WebhookSink } from "./support/webhook-sink";
import { tempDir } from "./support/temp";

const PASSWORD = "pw-in-a-file-7f3a";
const ctx = {} as { dir: { path: string; remove(): void }; sink: WebhookSink; pki: TestPki; https: TestServer; pwFile: string };

// Generous: each run is a Node process compiling TypeScript, slow on a busy machine.
const cli = (args: string[]) => runCli(args, { cwd: ctx.dir.path, timeoutMs: 60_000 });

const stored = (id = "porch", type = "pressed") => storedAction(ctx.dir.path, id, type);
const ok = succeeded;

test.before(async () => {
  ctx.dir = tempDir("cli-actions");
  ctx.sink = await startSink();
  ctx.pki = makePki();
  ctx.https = await httpServer((_q, res) => res.end("tls ok"), { tls: ctx.pki.leaf });
  ctx.pwFile = join(ctx.dir.path, "pw.txt");
  writeFileSync(ctx.pwFile, PASSWORD + "\nsecond line ignored\n", { mode: 0o600 });
  ok(await cli(["bttn", "add", "porch", "--name", "Porch", "--relay-host", "192.168.1.10"]), "bttn add");
});

test.after(async () => {
  await ctx.sink.close();
  await ctx.https.close();
  ctx.pki.remove();
  ctx.dir.remove();
});

test.after.each(() => {
  ctx.sink.received.length = 0;
  ctx.sink.respond((_q, res) => res.end("ok"));
});

test("action set with every flag: stored as given, shown masked, and action test sends it once (feed and counters untouched)", async () => {
  const set = ok(
    await cli([
      "action", "set", "porch", "pressed", "--url", ctx.sink.url("/hook?who=<ID>"), "--method", "post", "--format", "json",
      "--arg", "n=<COUNTER>", "--arg", "name=<NAME>", "--header", "X-Token=hdr-secret-1", "--header", "X-Who=porch",
      "--auth", "basic", "--username", "ha", "--password-file", ctx.pwFile, "--timeout", "3000", "--max-response-bytes", "4096",
      "--follow-redirects", "--async", "--callback-timeout", "5000", "--no-idempotency-key",
    ]),
    "action set",
  );
  assert.match(set.stderr, /^action set: porch pressed/);
  const a = (await stored())!;
  assert.equal(
    [a.url, a.method, a.format, a.args, a.headers, a.auth, a.timeout, a.maxResponseBytes, a.followRedirects, a.async, a.callbackTimeout, a.idempotencyKey, a.insecure, a.ca],
    [ctx.sink.url("/hook?who=<ID>"), "POST", "json", { n: "<COUNTER>", name: "<NAME>" }, { "X-Token": "hdr-secret-1", "X-Who": "porch" }, { type: "basic", username: "ha", password: PASSWORD }, 3000, 4096, true, true, 5000, false, false, undefined],
  );

  const show = ok(await cli(["action", "show", "porch", "pressed"]), "action show");
  const shown = JSON.parse(show.stdout);
  assert.equal([shown.auth, shown.headers, shown.timeout, shown.async], [{ type: "basic", username: "ha", password: "[redacted]" }, { "X-Token": "[redacted]", "X-Who": "porch" }, 3000, true]);
  const bttn = ok(await cli(["bttn", "show", "porch"]), "bttn show");
  const info = JSON.parse(bttn.stdout);
  assert.equal([info.id, info.origin, info.name, info.events, info.actions.pressed.http.auth.password, info.counters.total, info.status.online], ["porch", "cli", "Porch", ["pressed"], "[redacted]", 0, false]);

  ctx.sink.respond((_q, res) => {
    res.setHeader("content-type", "text/plain");
    res.setHeader("set-cookie", "session=cookie-secret-1");
    res.end("x".repeat(3000));
  });
  const run = ok(await cli(["action", "test", "porch", "pressed"]), "action test");
  assert.is(ctx.sink.received.length, 1, "sent once");
  const got = ctx.sink.received[0];
  assert.equal([got.method, got.url, JSON.parse(got.body)], ["POST", "/hook?who=porch", { n: "1", name: "Porch" }]);
  assert.is(got.headers.authorization, "Basic " + Buffer.from("ha:" + PASSWORD).toString("base64"), "the password from the file's first line");
  assert.is(got.headers["x-token"], "hdr-secret-1");
  assert.is(got.headers["idempotency-key"], undefined, "--no-idempotency-key");
  const out = run.stdout;
  assert.match(out, /^A virtual press of porch \(pressed\), run by this command: the feed and the counters are unchanged/);
  assert.match(out, new RegExp(`\\nrequest\\n  POST http://127\\.0\\.0\\.1:${ctx.sink.port}/hook\\?who=porch\\n`));
  assert.match(out, /\n  x-token: \[redacted\]\n/);
  assert.match(out, /\n  x-who: porch\n/);
  assert.match(out, /\n  authorization: \[basic authentication, added when sent; not shown\]\n/);
  assert.match(out, /\n  \{"n":"1","name":"Porch"\}\n/);
  assert.match(out, /\nanswer after [\d.]+ ms\n  HTTP 200\n/);
  assert.match(out, /\n  set-cookie: \[redacted\]\n/);
  assert.match(out, /\n  x{1024}\n  \(the first 1024 bytes of 3000\)\n/);
  assert.match(out, /\noutcome: ok \(HTTP 200\)\nasync: the relay would now wait up to 5 s for the server to call <CALLBACKURL> with the result; this test does not wait\./);
  for (const secret of [PASSWORD, "hdr-secret-1", "cookie-secret-1", Buffer.from("ha:" + PASSWORD).toString("base64")]) assert.not.ok(out.includes(secret) || run.stderr.includes(secret), "output shows " + secret);
  const after = JSON.parse(ok(await cli(["bttn", "show", "porch"]), "bttn show").stdout);
  assert.is(after.counters.total, 0, "action test does not count");
});

test("action update changes only what it is given; --remove-header, --remove-arg, --reset take away; set replaces the whole action", async () => {
  ok(await cli(["action", "set", "porch", "pressed", "--url", ctx.sink.url("/a"), "--method", "POST", "--arg", "a=1", "--arg", "b=2", "--header", "X-One=1", "--header", "X-Two=2", "--auth", "digest", "--username", "ha", "--password-file", ctx.pwFile, "--async"]), "set");
  ok(await cli(["action", "update", "porch", "pressed", "--header", "x-one=uno", "--arg", "c=3", "--timeout", "2500"]), "update");
  let a = (await stored())!;
  assert.equal([a.url, a.method, a.headers, a.args, a.timeout, a.async, a.auth?.password], [ctx.sink.url("/a"), "POST", { "X-Two": "2", "x-one": "uno" }, { a: "1", b: "2", c: "3" }, 2500, true, PASSWORD]);
  ok(await cli(["action", "update", "porch", "pressed", "--remove-header", "X-TWO", "--remove-arg", "a", "--reset", "async", "--reset", "auth", "--url", ctx.sink.url("/b")]), "update with removals");
  a = (await stored())!;
  assert.equal([a.url, a.headers, a.args, a.async, a.auth], [ctx.sink.url("/b"), { "x-one": "uno" }, { b: "2", c: "3" }, false, undefined]);
  ok(await cli(["action", "update", "porch", "pressed", "--body", "raw <ID>", "--format", "form"]), "a raw body replaces the args");
  assert.is((await stored())!.args, "raw <ID>");
  ok(await cli(["action", "set", "porch", "pressed", "--url", ctx.sink.url("/c")]), "set again");
  a = (await stored())!;
  assert.equal([a.url, a.method, a.headers, a.args, a.timeout], [ctx.sink.url("/c"), "GET", {}, undefined, 10_000], "set replaced everything");
});

test("action test: outcomes fail (HTTP 503, refused, timeout), redirects only with --follow-redirects, HTTPS with --ca or --insecure, dynamic without a webhook", async () => {
  ctx.sink.respond((_q, res) => {
    res.statusCode = 503;
    res.end("busy");
  });
  ok(await cli(["action", "set", "porch", "pressed", "--url", ctx.sink.url("/x")]), "set");
  const busy = await cli(["action", "test", "porch", "pressed"]);
  assert.is(busy.code, 1);
  assert.match(busy.stdout, /\n  HTTP 503\n[\s\S]*\n  busy\n\noutcome: fail, reason http \(HTTP 503\): HTTP 503\n$/);

  ok(await cli(["action", "set", "porch", "pressed", "--url", `http://127.0.0.1:${await closedPort()}/`]), "set");
  const closed = await cli(["action", "test", "porch", "pressed"]);
  assert.is(closed.code, 1);
  assert.match(closed.stdout, /\nno answer \(after [\d.]+ ms\)\n\noutcome: fail, reason refused/);

  ctx.sink.respond((_q, res) => void setTimeout(() => res.end("late"), 1500));
  ok(await cli(["action", "set", "porch", "pressed", "--url", ctx.sink.url("/slow"), "--timeout", "300"]), "set");
  const slow = await cli(["action", "test", "porch", "pressed"]);
  assert.is(slow.code, 1);
  assert.match(slow.stdout, /outcome: fail, reason timeout/);

  ctx.sink.respond((q, res) => {
    if (q.url === "/from") {
      res.statusCode = 302;
      res.setHeader("location", "/to");
      return res.end();
    }
    res.end("arrived");
  });
  ok(await cli(["action", "set", "porch", "pressed", "--url", ctx.sink.url("/from")]), "set");
  assert.match((await cli(["action", "test", "porch", "pressed"])).stdout, /outcome: fail, reason http \(HTTP 302\)/);
  ok(await cli(["action", "update", "porch", "pressed", "--follow-redirects"]), "update");
  assert.match(ok(await cli(["action", "test", "porch", "pressed"]), "redirected").stdout, /\n  arrived\n\noutcome: ok \(HTTP 200\)/);

  ok(await cli(["action", "set", "porch", "pressed", "--url", ctx.https.url("/tls")]), "set https");
  assert.match((await cli(["action", "test", "porch", "pressed"])).stdout, /outcome: fail, reason tls/);
  ok(await cli(["action", "update", "porch", "pressed", "--ca", ctx.pki.ca.certPath]), "--ca");
  assert.ok((await stored())!.ca?.startsWith("-----BEGIN CERTIFICATE-----"), "the CA's text is stored");
  assert.match(ok(await cli(["action", "test", "porch", "pressed"]), "with --ca").stdout, /\n  tls ok\n\noutcome: ok \(HTTP 200\)/);
  ok(await cli(["action", "update", "porch", "pressed", "--reset", "ca", "--insecure"]), "--insecure");
  const insecure = ok(await cli(["action", "test", "porch", "pressed"]), "with --insecure");
  assert.match(insecure.stdout, /outcome: ok \(HTTP 200\)/);
  assert.match(insecure.stderr, /TLS certificate validation is OFF for this action/);

  ok(await cli(["action", "set", "porch", "pressed", "--url", "dynamic"]), "set dynamic");
  const dyn = await cli(["action", "test", "porch", "pressed"]);
  assert.is(dyn.code, 1);
  assert.match(dyn.stdout, /request: none was sent \(it could not be built\)\n\noutcome: fail, reason no-webhook: no webhook URL is registered for this bttn/);
  refused(await cli(["action", "test", "porch", "pressed-long"]), /bttn porch has no action for pressed-long \(it has pressed\)/);
  ok(await cli(["action", "remove", "porch", "pressed"]), "remove");
  assert.is((await stored()), undefined);
  assert.is(ctx.sink.received.filter((r) => r.url.startsWith("/x")).length, 1);
});

test.run();
