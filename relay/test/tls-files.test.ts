// The relay's certificate and key files: a bad one stops start-up with one line naming the file
// (never the key's contents), before the relay opens its database or any port.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readTlsFiles } from "../src/tls-files";
import { ConfigError } from "../src/config/file";
import { startRelay } from "../src/relay";
import { createLogger } from "../src/log";
import { makePki } from "../../test/support/certs";
import { connectDevice } from "../../test/support/device";
import { tempDir } from "../../test/support/temp";

const pki = makePki();
const dir = tempDir("tls-files");
const keyOf = (certPath: string) => certPath.replace(/\.pem$/, ".key");
const leaf = { cert: pki.leaf.certPath, key: keyOf(pki.leaf.certPath) };
const keyBody = pki.leaf.key.split("\n")[1];

function failure(files: { cert: string; key: string }): string {
  try {
    readTlsFiles(files);
  } catch (e) {
    assert.instance(e, ConfigError);
    const m = (e as Error).message;
    assert.not.ok(m.includes("\n"), "one line: " + m);
    assert.not.ok(m.includes(keyBody), "no key material in: " + m);
    return m;
  }
  throw new Error("no error for " + JSON.stringify(files));
}

test("good files: both PEMs and the certificate's end of validity", () => {
  const pem = readTlsFiles(leaf);
  assert.ok(pem.cert.includes("BEGIN CERTIFICATE") && pem.key.includes("PRIVATE KEY"));
  assert.ok(pem.validTo.getTime() > Date.now());
});

test("a missing file is named", () => {
  const gone = join(dir.path, "gone.pem");
  assert.is(failure({ cert: gone, key: leaf.key }), `TLS certificate ${gone}: cannot read: ENOENT`);
  assert.is(failure({ cert: leaf.cert, key: gone }), `TLS key ${gone}: cannot read: ENOENT`);
});

test("a file that is not what it should be is named", () => {
  const junk = join(dir.path, "junk.pem");
  writeFileSync(junk, "hello\n");
  assert.match(failure({ cert: junk, key: leaf.key }), new RegExp(`^TLS certificate ${junk}: holds no PEM certificate`));
  assert.match(failure({ cert: leaf.cert, key: junk }), new RegExp(`^TLS key ${junk}: holds no PEM private key`));
  // Swapped: the key given as the certificate.
  assert.match(failure({ cert: leaf.key, key: leaf.cert }), new RegExp(`^TLS certificate ${leaf.key}: holds no PEM certificate`));
  const broken = join(dir.path, "broken.pem");
  writeFileSync(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  assert.match(failure({ cert: broken, key: leaf.key }), new RegExp(`^TLS certificate ${broken}: cannot be parsed`));
});

test("a key of another certificate, and an encrypted key, are refused with the reason", () => {
  assert.is(failure({ cert: pki.selfSigned.certPath, key: leaf.key }), `TLS key ${leaf.key}: does not belong to the certificate in ${pki.selfSigned.certPath}`);
  const enc = join(dir.path, "enc.key");
  execFileSync("openssl", ["pkey", "-in", leaf.key, "-aes256", "-passout", "pass:sesame", "-out", enc], { stdio: "ignore" });
  assert.match(failure({ cert: leaf.cert, key: enc }), new RegExp(`^TLS key ${enc}: is encrypted with a passphrase`));
});

test("startRelay with a bad file fails before it opens its database", async () => {
  const data = tempDir("tls-data");
  try {
    const gone = join(dir.path, "gone.pem");
    const err = await startRelay({ dataDir: data.path, mqttPort: 0, httpPort: 0, host: "127.0.0.1", log: createLogger("silent"), tls: { cert: gone, key: leaf.key } }).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.instance(err, ConfigError);
    assert.is(err!.message, `TLS certificate ${gone}: cannot read: ENOENT`);
    assert.equal(readdirSync(data.path), [], "nothing created");
    const fromConfig = await startRelay({ dataDir: data.path, config: { relay: { tls: { cert: gone, key: leaf.key } } }, mqttPort: 0, httpPort: 0, log: createLogger("silent") }).then(
      () => "started",
      (e: Error) => e.message,
    );
    assert.is(fromConfig, `TLS certificate ${gone}: cannot read: ENOENT`, "relay.tls in the config file is read the same way");
  } finally {
    data.remove();
  }
});

test("--mqtt-port off: only mqtts, and it needs TLS", async () => {
  const data = tempDir("tls-off");
  try {
    const base = { dataDir: data.path, httpPort: 0, host: "127.0.0.1", log: createLogger("silent") };
    const refused = await startRelay({ ...base, mqttPort: "off" }).then(
      () => "started",
      (e: Error) => e.message,
    );
    assert.match(refused, /--mqtt-port off needs --tls-cert and --tls-key/);
    const relay = await startRelay({ ...base, config: { bttns: { hall: { secret: "hall-secret-1" } } }, mqttPort: "off", mqttsPort: 0, tls: leaf });
    try {
      assert.equal([relay.mqttPort, relay.mqttsPort > 0], [0, true], "no plain listener, an mqtts one");
      const d = await connectDevice({ port: relay.mqttsPort, id: "hall", secret: "hall-secret-1", ca: pki.ca.cert });
      const r = await d.result(await d.press());
      assert.equal([r.state, r.reason], ["fail", "no-action"], "the press went through the broker and back");
      await d.close();
    } finally {
      await relay.close();
    }
  } finally {
    data.remove();
  }
});

test("an expired certificate: the relay starts and warns (clients will refuse it)", async () => {
  const data = tempDir("tls-expired");
  try {
    const logs: string[] = [];
    const expired = { cert: pki.expired.certPath, key: keyOf(pki.expired.certPath) };
    const relay = await startRelay({ dataDir: data.path, mqttPort: 0, mqttsPort: 0, httpPort: 0, host: "127.0.0.1", log: createLogger("warn", (l) => logs.push(l)), tls: expired });
    try {
      assert.ok(logs.some((l) => l.includes("the TLS certificate has expired")), logs.join("\n"));
      const d = await connectDevice({ port: relay.mqttsPort, id: "x", secret: "whatever-1", ca: pki.ca.cert }).then(
        () => "connected",
        (e: Error) => e.message,
      );
      assert.match(d, /expired/i);
    } finally {
      await relay.close();
    }
  } finally {
    data.remove();
  }
});

test.after(() => {
  pki.remove();
  dir.remove();
});

test.run();
