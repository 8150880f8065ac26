// The TLS flags of `bttn-relay run` as a user gives them: bad combinations and bad files stop
// start-up with one line (exit 2); good files give HTTPS on the API port and an mqtts listener,
// with the plain MQTT port still open, and `bttn add` naming the port a device can use.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { Agent, fetch } from "undici";
import { runCli, startCli } from "./support/cli";
import { makePki } from "./support/certs";
import { connectDevice } from "./support/device";
import { freePort } from "./support/daemon";
import { tempDir } from "./support/temp";

const pki = makePki();
const cert = pki.leaf.certPath;
const key = cert.replace(/\.pem$/, ".key");

test("bad TLS flags and files: one line naming the problem, exit 2", async () => {
  const dir = tempDir("cli-tls-bad");
  try {
    const only = await runCli(["--tls-cert", cert], { cwd: dir.path });
    assert.equal([only.code, only.stderr], [2, "bttn-relay: --tls-cert needs --tls-key (the certificate's private key)\n"]);
    const gone = await runCli(["--tls-cert", "missing.pem", "--tls-key", key, "--mqtt-port", "0", "--http-port", "0"], { cwd: dir.path });
    assert.equal([gone.code, gone.stderr], [2, `bttn-relay: TLS certificate ${join(dir.path, "missing.pem")}: cannot read: ENOENT\n`]);
    const off = await runCli(["--mqtt-port", "off", "--http-port", "0"], { cwd: dir.path });
    assert.equal([off.code, off.stderr], [2, "bttn-relay: --mqtt-port off needs --tls-cert and --tls-key (or relay.tls in the config): the embedded broker would have no listener\n"]);
    const badPort = await runCli(["--mqtts-port", "88833"], { cwd: dir.path });
    assert.is(badPort.code, 2);
    assert.match(badPort.stderr, /--mqtts-port: must be a port number/);
  } finally {
    dir.remove();
  }
});

test("--tls-cert/--tls-key from the environment: HTTPS API, mqtts and plain MQTT side by side", async () => {
  const dir = tempDir("cli-tls-run");
  const [mqttPort, mqttsPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const env = { BTTN_MQTT_PORT: String(mqttPort), BTTN_MQTTS_PORT: String(mqttsPort), BTTN_HTTP_PORT: String(httpPort), BTTN_HOST: "127.0.0.1", BTTN_TLS_CERT: cert, BTTN_TLS_KEY: key };
  const relay = startCli([], { cwd: dir.path, env });
  const agent = new Agent({ connect: { ca: pki.ca.cert } });
  try {
    const started = (await relay.waitFor(/relay started.*/))[0];
    assert.match(started, new RegExp(`mqttPort=${mqttPort} mqttsPort=${mqttsPort} httpsPort=${httpPort}`));
    const health = await fetch(`https://localhost:${httpPort}/healthz`, { dispatcher: agent });
    assert.is(health.status, 200);
    const add = await runCli(["bttn", "add", "porch", "--relay-host", "127.0.0.1"], { cwd: dir.path, env });
    assert.is(add.code, 0, add.stderr);
    const file = JSON.parse(add.stdout) as { secret: string; relay: { port: number } };
    assert.is(file.relay.port, mqttPort, "the device file names the plain port: the bttn firmware has no TLS yet");
    for (const o of [{ port: mqttsPort, ca: pki.ca.cert }, { port: mqttPort }]) {
      const d = await connectDevice({ ...o, id: "porch", secret: file.secret });
      const r = await d.result(await d.press());
      assert.equal([r.state, r.reason], ["fail", "no-action"], "through the broker and back on port " + o.port);
      await d.close();
    }
    assert.is(await relay.stop(), 0);
    assert.not.ok(relay.output().includes("PRIVATE KEY"), "the key never reaches the log");
  } finally {
    await relay.stop();
    await agent.close();
    dir.remove();
  }
});

test.after(() => pki.remove());

test.run();
