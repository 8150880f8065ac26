// makeDeviceFile: the relay's one way to make a device file (CLI and REST API), checked by the same
// rules the firmware and flash.sh apply; and it stays out of the firmware bundle, which is at its
// size budget.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkDeviceFile, isLoopbackHost, loopbackWarning, makeDeviceFile } from "../src";
import { buildFirmware } from "../../firmware/scripts/build";

test("a device file with the relay's address and the Wi-Fi to join; a bad one is an error, not a file", () => {
  const made = makeDeviceFile("porch", "s3cret-s3cret", { relayHost: "192.168.1.10", mqttPort: 1883, wifiSsid: "home" });
  assert.equal(made, { ok: true, value: { id: "porch", secret: "s3cret-s3cret", relay: { host: "192.168.1.10", port: 1883 }, wifi: { ssid: "home" } } });
  if (made.ok) assert.is(checkDeviceFile(made.value), "");
  const pw = makeDeviceFile("porch", "s3cret-s3cret", { relayHost: "relay.lan", mqttPort: 8883, wifiSsid: "home", wifiPassword: "pw" });
  assert.equal(pw.ok && pw.value.wifi, { ssid: "home", password: "pw" });
  assert.equal(makeDeviceFile("porch", "s3cret-s3cret", { relayHost: "relay lan", mqttPort: 1883 }), { ok: false, error: "device file: relay.host: must be a host name or IP address" });
  assert.equal(makeDeviceFile("porch", "s3cret-s3cret", { relayHost: "relay.lan", mqttPort: 1883, wifiSsid: "x".repeat(33) }), { ok: false, error: "device file: wifi.ssid: must be at most 32 characters" });
});

test("loopback and unspecified addresses are told apart from LAN ones", () => {
  for (const h of ["localhost", "LOCALHOST", "relay.localhost", "127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "0.0.0.0", "::"]) assert.ok(isLoopbackHost(h), h);
  for (const h of ["192.168.1.10", "10.0.0.1", "relay.lan", "127.example.com", "fe80::1", "1270.0.0.1", "localhost.lan", "128.0.0.1"]) assert.not.ok(isLoopbackHost(h), h);
  assert.match(loopbackWarning({ relay: { host: "127.0.0.1", port: 1883 } }), /^relay\.host 127\.0\.0\.1 is a loopback address: a real bttn .* never reach it/);
  assert.is(loopbackWarning({ relay: { host: "192.168.1.10", port: 1883 } }), "");
});

test("the firmware bundle leaves makeDeviceFile out", async () => {
  const outfile = join(tmpdir(), "bttn-device-file-test-" + process.pid + ".js");
  const built = await buildFirmware({ outfile });
  rmSync(outfile, { force: true });
  rmSync(outfile + ".map", { force: true });
  assert.ok(built.code.includes("relay.host: must be a host name"), "the bundle checks device files");
  assert.not.ok(built.code.includes("device file: "), "but does not make them");
  assert.not.ok(built.code.includes("is a loopback address"), "nor warns about them");
});

test.run();
