// Device files from the CLI: the running relay records where it serves devices (data dir), and
// `bttn add` / `bttn device-file` name that address and port unless --relay-host / --mqtt-port say
// otherwise; a loopback address is warned about; a bttn declared in the config file gets a device
// file with the file's secret, one made with the CLI a new secret with --new-secret only.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkDeviceFile, DeviceFile } from "@bttn/shared";
import { runCli, startCli } from "./support/cli";
import { connectDevice } from "./support/device";
import { tempDir, sleep } from "./support/temp";
import { guessLanAddress } from "../relay/src/lan-address";

const HALL_SECRET = "hall-secret-from-the-file";

/** Whether a device with this file's id and secret logs in to the relay on `port`. */
async function connects(file: DeviceFile, port: number): Promise<boolean> {
  return connectDevice({ port, id: file.id, secret: file.secret }).then(
    async (d) => {
      await d.close();
      return true;
    },
    () => false,
  );
}

test("the relay records its device address; bttn add and bttn device-file name it, the flags win, loopback is warned about", async () => {
  const dir = tempDir("cli-devfile");
  const config = join(dir.path, "bttn-relay.json");
  writeFileSync(config, JSON.stringify({ bttns: { hall: { secret: HALL_SECRET } } }));
  // Port 0: the record must hold the port the broker got, not the flag's.
  const relay = startCli(["--mqtt-port", "0", "--http-port", "0", "--host", "127.0.0.1"], { cwd: dir.path });
  try {
    const port = Number((await relay.waitFor(/relay started .*mqttPort=(\d+)/))[1]);
    const rec = JSON.parse(readFileSync(join(dir.path, "data", "device-address.json"), "utf8"));
    assert.equal([rec.host, rec.port, rec.broker], ["127.0.0.1", port, "embedded"]);

    const add = await runCli(["bttn", "add", "porch"], { cwd: dir.path });
    assert.is(add.code, 0, add.stderr);
    const porch = JSON.parse(add.stdout) as DeviceFile;
    assert.is(checkDeviceFile(porch), "");
    assert.equal(porch.relay, { host: "127.0.0.1", port });
    assert.match(add.stderr, new RegExp(`names the relay at 127\\.0\\.0\\.1:${port}: the address the relay listens on and the MQTT port the relay started at \\S+ serves devices on \\(--relay-host and --mqtt-port change them\\)`));
    assert.match(add.stderr, /warning: relay\.host 127\.0\.0\.1 is a loopback address: .* Give the relay's LAN address or name with --relay-host\./);
    await sleep(1000); // the relay sees bttns added by another process within a second
    assert.ok(await connects(porch, port), "the device file's address, port and secret log in");

    const flagged = await runCli(["bttn", "add", "shed", "--relay-host", "192.168.1.50", "--mqtt-port", "1999"], { cwd: dir.path });
    assert.is(flagged.code, 0, flagged.stderr);
    assert.equal((JSON.parse(flagged.stdout) as DeviceFile).relay, { host: "192.168.1.50", port: 1999 });
    assert.match(flagged.stderr, /names the relay at 192\.168\.1\.50:1999: --relay-host and --mqtt-port \(/);
    assert.match(flagged.stderr, new RegExp(`warning: the relay started at \\S+ serves devices on port ${port}, not 1999\\.`));
    assert.not.match(flagged.stderr, /loopback/);

    // Declared in the config file: the file's secret, which the relay applied at its start.
    const hall = await runCli(["bttn", "device-file", "hall"], { cwd: dir.path });
    assert.is(hall.code, 0, hall.stderr);
    const hallFile = JSON.parse(hall.stdout) as DeviceFile;
    assert.equal(hallFile, { id: "hall", secret: HALL_SECRET, relay: { host: "127.0.0.1", port } });
    assert.not.match(hall.stderr, /not applied|not in the database/);
    assert.ok(await connects(hallFile, port));
    const wifi = await runCli(["bttn", "device-file", "hall", "--wifi-ssid", "home", "--relay-host", "relay.lan"], { cwd: dir.path });
    assert.equal((JSON.parse(wifi.stdout) as DeviceFile).wifi, { ssid: "home" });
    assert.is((JSON.parse(wifi.stdout) as DeviceFile).relay.host, "relay.lan");
    const refused = await runCli(["bttn", "device-file", "hall", "--new-secret"], { cwd: dir.path });
    assert.is(refused.code, 2);
    assert.match(refused.stderr, /bttn hall is declared in .*bttn-relay\.json: change its secret there/);

    // Made with the CLI: only a hash is kept, so a device file needs a new secret, and says so.
    const hashed = await runCli(["bttn", "device-file", "porch"], { cwd: dir.path });
    assert.is(hashed.code, 2);
    assert.match(hashed.stderr, /bttn porch was made with the CLI: its secret is stored hashed .* With --new-secret it gets a new one/);
    assert.is(hashed.stdout, "");
    const bad = await runCli(["bttn", "device-file", "porch", "--new-secret", "--relay-host", "relay lan"], { cwd: dir.path });
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /relay\.host: must be a host name or IP address/);
    const renewed = await runCli(["bttn", "device-file", "porch", "--new-secret"], { cwd: dir.path });
    assert.is(renewed.code, 0, renewed.stderr);
    const porch2 = JSON.parse(renewed.stdout) as DeviceFile;
    assert.is.not(porch2.secret, porch.secret);
    assert.match(renewed.stderr, /bttn porch has a new secret, in the device file below only/);
    assert.not.ok(renewed.stderr.includes(porch2.secret), "the secret is in the file only");
    await sleep(1000);
    assert.ok(await connects(porch2, port), "the new secret logs in");
    assert.not.ok(await connects(porch, port), "the old one no longer does (a bad --relay-host changed nothing before)");

    const none = await runCli(["bttn", "device-file", "attic"], { cwd: dir.path });
    assert.is(none.code, 2);
    assert.match(none.stderr, /no bttn "attic" \(in the database or in .*bttn-relay\.json\)/);

    // The file's secret changed after the relay started: the device file says it is not applied yet.
    writeFileSync(config, JSON.stringify({ bttns: { hall: { secret: "hall-secret-changed-since" } } }));
    const changed = await runCli(["bttn", "device-file", "hall"], { cwd: dir.path });
    assert.is(changed.code, 0, changed.stderr);
    assert.match(changed.stderr, /warning: the relay has not applied the secret in .*bttn-relay\.json yet: restart it/);
    assert.not.ok(relay.output().includes(HALL_SECRET), "no secret in the relay's log");
  } finally {
    await relay.stop("SIGKILL");
    dir.remove();
  }
});

test("before any relay started: a guess, said as one; a record without a host means this machine's LAN address; an unreadable record is ignored", async () => {
  const dir = tempDir("cli-devfile-cold");
  try {
    const config = join(dir.path, "other.yaml");
    writeFileSync(config, `bttns:\n  hall:\n    secret: ${HALL_SECRET}\n`);
    const cold = await runCli(["bttn", "device-file", "hall", "--config", config, "--mqtt-port", "1884"], { cwd: dir.path });
    assert.is(cold.code, 0, cold.stderr);
    assert.equal((JSON.parse(cold.stdout) as DeviceFile).relay, { host: guessLanAddress(), port: 1884 });
    assert.match(cold.stderr, /bttn hall is declared in .*other\.yaml but not in the database yet: the relay adds it at its next start\./);
    assert.match(cold.stderr, /No relay has started on .* yet\. The device file names the relay at .*: this machine's LAN address as guessed and --mqtt-port \(/);
    const envPort = await runCli(["bttn", "add", "a1"], { cwd: dir.path, env: { BTTN_MQTT_PORT: "1777" } });
    assert.equal((JSON.parse(envPort.stdout) as DeviceFile).relay.port, 1777, "without a record, the relay's setting (here its variable)");

    // An external broker reached over the LAN (or the relay on all addresses): no host recorded.
    writeFileSync(join(dir.path, "data", "device-address.json"), JSON.stringify({ port: 1885, broker: "external", startedAt: "2026-01-01T00:00:00.000Z" }));
    const rec = await runCli(["bttn", "add", "a2"], { cwd: dir.path });
    assert.equal((JSON.parse(rec.stdout) as DeviceFile).relay, { host: guessLanAddress(), port: 1885 });
    assert.match(rec.stderr, /this machine's LAN address and the MQTT port the relay started at 2026-01-01T00:00:00\.000Z serves devices on/);

    writeFileSync(join(dir.path, "data", "device-address.json"), "{not json");
    const broken = await runCli(["bttn", "add", "a3"], { cwd: dir.path });
    assert.is(broken.code, 0, broken.stderr);
    assert.equal((JSON.parse(broken.stdout) as DeviceFile).relay.port, 1883);
    // No config file here: an unknown bttn is just unknown.
    const lost = await runCli(["bttn", "device-file", "a9"], { cwd: dir.path });
    assert.is(lost.code, 2);
    assert.match(lost.stderr, /no bttn "a9"/);
  } finally {
    dir.remove();
  }
});

test.run();
