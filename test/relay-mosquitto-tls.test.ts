// The relay as a client of Debian's mosquitto over mqtts://, the broker's certificate signed by a
// private CA made for this run: with --broker-ca the relay trusts it and presses flow; without it
// the relay refuses to start and says why.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startRelay, Relay, RelayOptions } from "../relay/src/relay";
import { createLogger } from "../relay/src/log";
import { resolveSettings, UsageError } from "../relay/src/cli/options";
import { makePki, TestPki } from "./support/certs";
import { startMosquitto, Mosquitto } from "./support/mosquitto";
import { startSink, WebhookSink } from "./support/webhook-sink";
import { connectDevice } from "./support/device";
import { RELAY_USER } from "./support/relay-rig";
import { tempDir } from "./support/temp";

const SECRET = "porch-secret-123";
let pki: TestPki;
let mosq: Mosquitto;
let sink: WebhookSink;
const dirs: Array<{ remove(): void }> = [];

test.before(async () => {
  pki = makePki();
  mosq = await startMosquitto({ [RELAY_USER.username]: RELAY_USER.password, porch: SECRET }, { tls: { certFile: pki.leaf.certPath, keyFile: pki.leaf.certPath.replace(/\.pem$/, ".key") } });
  sink = await startSink();
});

test.after(async () => {
  await sink?.close();
  await mosq?.stop();
  pki?.remove();
  for (const d of dirs) d.remove();
});

function start(extra: Partial<RelayOptions>, logs: string[] = []): Promise<Relay> {
  const dir = tempDir("broker-ca");
  dirs.push(dir);
  return startRelay({
    dataDir: dir.path,
    config: { bttns: { porch: { secret: SECRET, actions: { pressed: { http: { url: sink.url("/porch") } } } } } },
    broker: mosq.url,
    brokerUsername: RELAY_USER.username,
    brokerPassword: RELAY_USER.password,
    httpPort: 0,
    host: "127.0.0.1",
    log: createLogger("debug", (l) => logs.push(l)),
    ...extra,
  });
}

test("mosquitto speaks mqtts with a certificate of the test CA", () => {
  assert.match(mosq.url, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
});

test("with --broker-ca the relay trusts the broker's private CA, and a press through the broker fires", async () => {
  const relay = await start({ brokerCa: pki.ca.certPath });
  try {
    assert.ok(relay.bus.connected());
    const d = await connectDevice({ port: mosq.port, id: "porch", secret: SECRET, ca: pki.ca.cert });
    try {
      const r = await d.result(await d.press("pressed"), ["ok", "fail"], 10_000);
      assert.equal([r.state, r.code], ["ok", 200]);
      assert.ok(sink.received.some((x) => x.url === "/porch"), "the webhook was called");
    } finally {
      await d.close();
    }
  } finally {
    await relay.close();
  }
});

test("without the CA the relay does not start: the broker's certificate is not trusted, and it says what to do", async () => {
  const logs: string[] = [];
  const err = await start({}, logs).then(
    async (r) => {
      await r.close();
      return undefined;
    },
    (e: Error) => e,
  );
  assert.ok(err, "the relay started without trusting the broker");
  assert.match(err.message, /the broker's TLS certificate is not trusted: .* \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); if a private CA signed it, give that CA with --broker-ca FILE/);
  assert.ok(logs.some((l) => l.includes("broker error") && l.includes("--broker-ca")), "logged with the hint");
});

test("a broker CA file that is missing or not PEM stops start-up with a message naming it", async () => {
  const dir = tempDir("broker-ca-file");
  dirs.push(dir);
  const notPem = join(dir.path, "ca.txt");
  writeFileSync(notPem, "hello\n");
  const missing = await start({ brokerCa: join(dir.path, "nope.pem") }).then(() => undefined, (e: Error) => e);
  assert.match(missing?.message ?? "", /^TLS broker CA .*nope\.pem: cannot read: ENOENT/);
  const bad = await start({ brokerCa: notPem }).then(() => undefined, (e: Error) => e);
  assert.match(bad?.message ?? "", /^TLS broker CA .*ca\.txt: holds no PEM certificate/);
});

test("--broker-ca and BTTN_BROKER_CA: a path from the working directory, only with --broker", () => {
  const s = resolveSettings({ broker: "mqtts://broker.lan:8883" }, { BTTN_BROKER_CA: "certs/ca.pem" }, "/srv/bttn");
  assert.is(s.brokerCa, "/srv/bttn/certs/ca.pem");
  assert.is(resolveSettings({ broker: "mqtts://b:8883", brokerCa: "/etc/ca.pem" }, {}, "/srv").brokerCa, "/etc/ca.pem");
  assert.throws(() => resolveSettings({ brokerCa: "ca.pem" }, {}, "/srv"), (e: Error) => e instanceof UsageError && /--broker-ca: only with --broker/.test(e.message));
});

test.run();
