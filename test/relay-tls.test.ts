// The relay with its own certificate (made by openssl for this run): devices log in over mqtts
// trusting the test CA, the API answers HTTPS only, <CALLBACKURL> is https://, and the plain MQTT
// listener stays for devices without TLS. A silent client cannot hold a TLS handshake open.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Agent, fetch } from "undici";
import { makePki, TestPki } from "./support/certs";
import { startRig, Rig } from "./support/relay-rig";
import { connectDevice } from "./support/device";
import { openSocket } from "./support/sockets";
import { waitFor } from "./support/temp";

const SECRET = "tls-secret-123";
type Ctx = { rig: Rig; pki: TestPki; agent: Agent };

const t = suite<Ctx>("relay listeners over TLS");

t.before(async (ctx) => {
  ctx.pki = makePki();
  ctx.agent = new Agent({ connect: { ca: ctx.pki.ca.cert } });
  const { leaf } = ctx.pki;
  ctx.rig = await startRig(
    "embedded",
    (sink) => ({
      bttns: {
        porch: {
          secret: SECRET,
          actions: {
            pressed: { http: { url: sink.url("/press") } },
            "pressed-long": { http: { method: "POST", url: sink.url("/async"), format: "json", args: { cb: "<CALLBACKURL>" }, async: true } },
          },
        },
      },
    }),
    {},
    { tls: { cert: leaf.certPath, key: leaf.certPath.replace(/\.pem$/, ".key") }, mqttsPort: 0 },
  );
  ctx.rig.sink.respond((_req, res) => res.end("ok"));
});
t.after(async (ctx) => {
  await ctx.rig?.close();
  await ctx.agent?.close();
  ctx.pki?.remove();
});

t("a device logs in over mqtts with the test CA, and its press gets its result", async ({ rig, pki }) => {
  assert.ok(rig.relay.mqttsPort > 0 && rig.relay.mqttsPort !== rig.relay.mqttPort, "an mqtts port of its own");
  const d = await connectDevice({ port: rig.relay.mqttsPort, host: "localhost", id: "porch", secret: SECRET, ca: pki.ca.cert });
  try {
    assert.ok((d.client.stream as unknown as { encrypted?: boolean }).encrypted, "the connection is TLS");
    const r = await d.result(await d.press());
    assert.is(r.state, "ok");
  } finally {
    await d.close();
  }
});

t("a client that does not trust the certificate gets no session; a wrong secret is refused over mqtts too", async ({ rig, pki }) => {
  const untrusting = await connectDevice({ port: rig.relay.mqttsPort, id: "porch", secret: SECRET, ca: "" }).then(
    () => "connected",
    (e: Error) => e.message,
  );
  assert.match(untrusting, /certificate/i);
  const wrong = await connectDevice({ port: rig.relay.mqttsPort, id: "porch", secret: "not-the-secret", ca: pki.ca.cert }).then(
    () => "connected",
    (e: Error) => e.message,
  );
  assert.match(wrong, /Bad username or password|Not authorized/i);
});

t("the plain MQTT listener stays open by default for devices without TLS", async ({ rig }) => {
  const d = await rig.device("porch");
  try {
    assert.is((await d.result(await d.press())).state, "ok");
  } finally {
    await d.close();
  }
});

t("the API answers over HTTPS with the test CA, and not over plain HTTP", async ({ rig, agent }) => {
  const res = await fetch(`https://127.0.0.1:${rig.relay.httpPort}/healthz`, { dispatcher: agent });
  assert.is(res.status, 200);
  const body = (await res.json()) as { broker: { port: number; tlsPort: number } };
  assert.equal([body.broker.port, body.broker.tlsPort], [rig.relay.mqttPort, rig.relay.mqttsPort]);
  const plain = await fetch(`http://127.0.0.1:${rig.relay.httpPort}/healthz`).then(
    (r) => "answered " + r.status,
    (e: Error) => "failed: " + e.message,
  );
  assert.match(plain, /^failed/);
  const untrusted = await fetch(`https://127.0.0.1:${rig.relay.httpPort}/healthz`).then(
    (r) => "answered " + r.status,
    (e: Error & { cause?: { code?: string } }) => "failed: " + e.message + " " + e.cause?.code,
  );
  assert.match(untrusted, /^failed: .*(CERT|ISSUER|VERIFY)/, untrusted);
});

t("<CALLBACKURL> is https:// when the API is served over TLS, and the callback over HTTPS settles the press", async ({ rig, agent }) => {
  const d = await rig.device("porch");
  try {
    const before = rig.sink.received.length;
    const seq = await d.press("pressed-long");
    await waitFor(() => rig.sink.received.length > before, 5000, "the async request");
    const cb = JSON.parse(rig.sink.received[before].body).cb as string;
    assert.match(cb, new RegExp(`^https://127\\.0\\.0\\.1:${rig.relay.httpPort}/callback/`));
    const res = await fetch(cb, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ result: "Positive" }), dispatcher: agent });
    assert.is(res.status, 200, await res.text());
    assert.is((await d.result(seq)).state, "ok");
  } finally {
    await d.close();
  }
});

t("a client that connects and never starts its TLS handshake is cut within the handshake timeout (mqtts and HTTPS)", async ({ rig }) => {
  const mqtts = await openSocket(rig.relay.mqttsPort);
  const https = await openSocket(rig.relay.httpPort);
  const [m, h] = await Promise.all([mqtts.closedAfter(20_000), https.closedAfter(20_000)]);
  assert.ok(m >= 9_000 && m <= 14_000, "mqtts silent client closed after " + m + " ms");
  assert.ok(h >= 9_000 && h <= 14_000, "https silent client closed after " + h + " ms");
});

t.run();
