// One test per `fail` reason the relay's engine and loop produce, each through the whole relay:
// a device presses, the relay answers `fail` with that reason, the feed stores it (on the event,
// and on the run when a request was attempted), and no secret of the action shows up in the
// stored error texts or the log. (`no-webhook`, `negative` and `callback-timeout` belong to the
// dynamic-webhook and async-callback tests.)
import { suite, test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Reason } from "@bttn/shared";
import { startRelay } from "../relay/src/relay";
import { createLogger } from "../relay/src/log";
import { makePki, TestPki } from "./support/certs";
import { startCli } from "./support/cli";
import { freePort } from "./support/daemon";
import { connectDevice } from "./support/device";
import { startDnsServer, DnsServer } from "./support/dns-server";
import { startRig, Rig } from "./support/relay-rig";
import { closedPort, httpServer, TestServer } from "./support/servers";
import { startSink } from "./support/webhook-sink";
import { tempDir, waitFor } from "./support/temp";

const SECRET = "reasons-secret-1";
// Secrets every action carries (a key header, a token in the query, a Basic password): none may
// appear in an error text, a stored run or the log.
const API_KEY = "sekrit-api-key-42";
const TOKEN = "tok-7Hq93xz";
const PASSWORD = "pw-Sesame-77";
const SECRETS = [API_KEY, TOKEN, PASSWORD, Buffer.from("porch:" + PASSWORD).toString("base64")];

type Ctx = { rig: Rig; pki: TestPki; tlsServer: TestServer; dns: DnsServer };
const t = suite<Ctx>("a fail reason each");

t.before(async (ctx) => {
  try {
    ctx.pki = makePki();
    ctx.tlsServer = await httpServer((_q, res) => res.end("ok"), { tls: ctx.pki.selfSigned });
    ctx.dns = await startDnsServer();
    const dead = await closedPort();
    const tlsUrl = ctx.tlsServer.url("/x");
    const action = (url: string, more: Record<string, unknown> = {}) => ({
      http: { url: url + "?token=" + TOKEN, headers: { "X-Api-Key": API_KEY }, ...more },
    });
    ctx.rig = await startRig(
      "embedded",
      (sink) => ({
        bttns: {
          http: { secret: SECRET, actions: { pressed: action(sink.url("/503")) } },
          timeout: { secret: SECRET, actions: { pressed: action(sink.url("/hang"), { timeout: 300 }) } },
          dns: { secret: SECRET, actions: { pressed: action("http://bttn-webhook.invalid:8080/x") } },
          refused: { secret: SECRET, actions: { pressed: action(`http://127.0.0.1:${dead}/x`) } },
          tls: { secret: SECRET, actions: { pressed: action(tlsUrl) } },
          auth: { secret: SECRET, actions: { pressed: action(sink.url("/basic"), { auth: { type: "basic", username: "porch", password: PASSWORD } }) } },
          "no-action": { secret: SECRET, actions: { "pressed-long": action(sink.url("/ok")) } },
          // A name with a line break, set through the config, lands in a header through <NAME>.
          "bad-request": { secret: SECRET, name: "Kitchen\nX-Injected: yes", actions: { pressed: action(sink.url("/ok"), { headers: { "X-Api-Key": API_KEY, "X-Bttn-Name": "<NAME>" } }) } },
          stale: { secret: SECRET, actions: { pressed: action(sink.url("/ok")) } },
        },
      }),
      {},
      { lookup: ctx.dns.lookup },
    );
    ctx.rig.sink.respond((req, res) => {
      const path = req.url.split("?")[0];
      if (path === "/503") return void ((res.statusCode = 503), res.end("busy"));
      if (path === "/hang") return; // accepts, never answers
      if (path === "/basic") {
        // The server's side of a wrong password: the relay's password is not the one it expects.
        const expected = "Basic " + Buffer.from("porch:the-right-one").toString("base64");
        if (req.headers.authorization === expected) return void res.end("ok");
        res.writeHead(401, { "www-authenticate": 'Basic realm="bttn reasons"' });
        return void res.end("who are you");
      }
      res.end("ok");
    });
  } catch (e) {
    console.error("reasons set-up failed:", e);
    throw e;
  }
});

t.after(async (ctx) => {
  await ctx.rig?.close();
  await ctx.tlsServer?.close();
  await ctx.dns?.close();
  ctx.pki?.remove();
});

/** Presses once on bttn `id`; checks the result, the stored event and (if any) its run. */
async function expectFail(rig: Rig, id: string, reason: Reason, extra: { age?: number } = {}) {
  const d = await rig.device(id);
  const seq = await d.press("pressed", extra);
  const r = await d.result(seq);
  assert.equal([r.state, r.reason], ["fail", reason], id);
  const event = (await rig.relay.events.feed(id, {}))[0];
  assert.equal([event.seq, event.state, event.reason], [seq, "fail", reason]);
  const run = event.runs[0];
  if (run) {
    assert.is(run.reason, reason);
    assert.ok(run.error, "the run says why");
    for (const s of SECRETS) assert.not.ok((run.error + run.url).includes(s), "no secret in the run: " + run.error + " " + run.url);
  }
  return { r, event, run };
}

t("http: a 503 answer, with its code", async ({ rig }) => {
  const { r, run } = await expectFail(rig, "http", "http");
  assert.is(r.code, 503);
  assert.equal([run.status, run.error], [503, "HTTP 503"]);
  assert.match(run.url, /token=%5Bredacted%5D|token=\[redacted\]/);
});

t("timeout: a server that accepts and never answers (pending first)", async ({ rig }) => {
  const started = Date.now();
  const { r, run } = await expectFail(rig, "timeout", "timeout");
  assert.ok(Date.now() - started < 3000);
  assert.is(r.code, undefined);
  assert.ok(run.durationMs >= 290, "waited the 300 ms: " + run.durationMs);
  const d = (await rig.relay.events.feed("timeout", {}))[0];
  assert.ok(d, "stored");
});

t("dns: a host name under .invalid, answered NXDOMAIN by a DNS server on loopback", async ({ rig, dns }) => {
  const { run } = await expectFail(rig, "dns", "dns");
  assert.match(run.error ?? "", /bttn-webhook\.invalid did not resolve \(ENOTFOUND\)/);
  assert.ok(dns.queries.includes("bttn-webhook.invalid"), "the relay really asked: " + dns.queries.join(","));
});

t("refused: nothing listens on the port", async ({ rig }) => {
  const { run } = await expectFail(rig, "refused", "refused");
  assert.match(run.error ?? "", /ECONNREFUSED/);
});

t("tls: a self-signed certificate under default validation", async ({ rig }) => {
  const { run } = await expectFail(rig, "tls", "tls");
  assert.match(run.error ?? "", /self-signed/);
});

t("auth: Basic with a wrong password, against a real server that checks it", async ({ rig }) => {
  const before = rig.sink.received.length;
  const { r, run } = await expectFail(rig, "auth", "auth");
  assert.is(r.code, 401);
  assert.match(run.error ?? "", /rejected the Basic credentials for realm "bttn reasons"/);
  const sent = rig.sink.received.slice(before).find((x) => x.url.startsWith("/basic"))!;
  assert.ok(sent.headers.authorization?.startsWith("Basic "), "credentials were sent");
});

t("no-action: the bttn has no action for the press type", async ({ rig }) => {
  const before = rig.sink.received.length;
  const { run } = await expectFail(rig, "no-action", "no-action");
  assert.is(run, undefined, "no request, so no run");
  assert.is(rig.sink.received.length, before);
});

t("bad-request: a tag putting a line break into a header is refused, nothing is sent", async ({ rig }) => {
  const before = rig.sink.received.length;
  const { run } = await expectFail(rig, "bad-request", "bad-request");
  assert.match(run.error ?? "", /header X-Bttn-Name: tag <NAME> would put a line break into a header/);
  assert.is(rig.sink.received.length, before, "no request went out");
});

t("stale: an event older than the relay's limit (one hour) is not acted on", async ({ rig }) => {
  const before = rig.sink.received.length;
  const { run } = await expectFail(rig, "stale", "stale", { age: 3_600_001 });
  assert.is(run, undefined);
  assert.is(rig.sink.received.length, before);
  // Just under the limit still fires.
  const d = await rig.device("stale");
  const ok = await d.result(await d.press("pressed", { age: 3_500_000 }));
  assert.is(ok.state, "ok");
});

t("no secret in any log line", async ({ rig }) => {
  assert.ok(rig.logs.some((l) => /press fail .*outcome=fail/.test(l)), "failures were logged");
  for (const s of SECRETS) {
    const leak = rig.logs.find((l) => l.includes(s));
    assert.is(leak, undefined, "a log line holds a secret: " + leak);
  }
});

t.run();

// `internal`: the relay died (SIGKILL) with an action in flight. The restarted relay closes that
// press as failed without firing it again, and the device, which never got an answer and sends
// the same press again, learns `fail internal`.
test("internal: a press interrupted by a relay crash is answered fail internal after the restart", async () => {
  const dir = tempDir("reasons-crash");
  const sink = await startSink();
  sink.respond(() => {}); // never answers: the action is in flight when the relay dies
  const mqttPort = await freePort();
  const config = { bttns: { crash: { secret: SECRET, actions: { pressed: { http: { url: sink.url("/slow?token=" + TOKEN), timeout: 60_000 } } } } } };
  writeFileSync(join(dir.path, "bttn-relay.json"), JSON.stringify(config));
  const env = { BTTN_MQTT_PORT: String(mqttPort), BTTN_HTTP_PORT: String(await freePort()), BTTN_HOST: "127.0.0.1", BTTN_DATA: join(dir.path, "data"), BTTN_CONFIG: join(dir.path, "bttn-relay.json") };
  const cli = startCli(["run"], { cwd: dir.path, env });
  const logs: string[] = [];
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  const devices: Array<{ close(): Promise<void> }> = [];
  try {
    await cli.waitFor(/relay started/);
    const d1 = await connectDevice({ port: mqttPort, id: "crash", secret: SECRET });
    devices.push(d1);
    const seq = await d1.press("pressed");
    await waitFor(() => sink.received.length === 1, 5000, "the action in flight");
    cli.child.kill("SIGKILL");
    await cli.stop();

    relay = await startRelay({ dataDir: join(dir.path, "data"), config, mqttPort, httpPort: 0, host: "127.0.0.1", log: createLogger("debug", (l) => logs.push(l)) });
    const d2 = await connectDevice({ port: mqttPort, id: "crash", secret: SECRET });
    devices.push(d2);
    await d2.press("pressed", { boot: d1.boot, seq });
    const r = await waitFor(() => d2.results.find((x) => x.boot === d1.boot && x.seq === seq), 5000, "the answer to the repeated press");
    assert.equal([r.state, r.reason], ["fail", "internal"]);
    const event = (await relay.events.feed("crash", {}))[0];
    assert.equal([event.seq, event.state, event.reason], [seq, "fail", "internal"]);
    assert.ok(logs.some((l) => /interrupted by the last shutdown/.test(l)), "the log says why");
    assert.is(sink.received.length, 1, "the press was not fired again");
    for (const s of SECRETS) assert.not.ok(JSON.stringify(event).includes(s) || logs.some((l) => l.includes(s)) || cli.output().includes(s), "secret leaked");
  } finally {
    for (const d of devices) await d.close().catch(() => {});
    await relay?.close();
    await cli.stop();
    await sink.close();
    dir.remove();
  }
});

test.run();
