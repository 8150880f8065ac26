import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkBttnId, parseTopic, topicFor, checkDeviceFile } from "../src/index";

test("topics: build and parse", () => {
  assert.is(topicFor("bttn", "kitchen", "event"), "bttn/kitchen/event");
  assert.equal(parseTopic("bttn", "bttn/kitchen/event"), { id: "kitchen", kind: "event" });
  assert.equal(parseTopic("home", "home/door-1/status"), { id: "door-1", kind: "status" });
  assert.is(parseTopic("bttn", "other/kitchen/event"), null);
  assert.is(parseTopic("bttn", "bttn/kitchen/event/x"), null);
  assert.is(parseTopic("bttn", "bttn/kitchen/explode"), null);
  assert.is(parseTopic("bttn", "bttn/+/event"), null);
  assert.is(parseTopic("bttn", "bttn//event"), null);
});

test("bttn ids", () => {
  assert.is(checkBttnId("kitchen_2-a"), "");
  assert.match(checkBttnId(""), /non-empty/);
  assert.match(checkBttnId("a/b"), /only letters/);
  assert.match(checkBttnId("a#"), /only letters/);
  assert.match(checkBttnId("x".repeat(33)), /at most 32/);
  assert.match(checkBttnId(7), /non-empty string/);
});

test("device file: valid and every rejection", () => {
  const ok = { id: "kitchen", secret: "s3cr3t-s3cr3t", relay: { host: "192.168.1.10", port: 1883 }, wifi: { ssid: "home", password: "pw", ip: "192.168.1.50", gateway: "192.168.1.1", netmask: "255.255.255.0" }, pins: { button: 0, red: 25, green: 26, blue: 27 }, led: "common-anode", power: "sleep", heartbeatS: 3600, battery: { pin: 34, divider: 2 } };
  assert.is(checkDeviceFile(ok), "");
  assert.is(checkDeviceFile({ id: "a", secret: "x", relay: { host: "relay.local", port: 1 } }), "");
  const bad = (o: Record<string, unknown>) => checkDeviceFile({ ...ok, ...o });
  assert.match(checkDeviceFile([]), /JSON object/);
  assert.match(bad({ id: "a b" }), /^id:/);
  assert.match(bad({ secret: "" }), /^secret:/);
  assert.match(bad({ relay: "x" }), /^relay:/);
  assert.match(bad({ relay: { host: "a b", port: 1 } }), /^relay.host:/);
  assert.match(bad({ relay: { host: "h", port: 70000 } }), /^relay.port:/);
  assert.match(bad({ wifi: { password: "x" } }), /^wifi.ssid:/);
  assert.match(bad({ wifi: { ssid: "x", ip: "300.1" } }), /^wifi.ip:/);
  // The ESP32's Wifi.setIP throws without gw or netmask: a static address needs all three.
  assert.match(bad({ wifi: { ssid: "x", ip: "192.168.1.50" } }), /^wifi: ip, gateway and netmask go together/);
  assert.match(bad({ wifi: { ssid: "x", ip: "192.168.1.50", gateway: "192.168.1.1" } }), /^wifi: ip, gateway and netmask go together/);
  assert.match(bad({ wifi: { ssid: "x", gateway: "192.168.1.1", netmask: "255.255.255.0" } }), /^wifi: ip, gateway and netmask go together/);
  assert.match(bad({ wifi: { ssid: "x", pass: "y" } }), /^wifi.pass: unknown field/);
  assert.match(bad({ pins: { button: 40 } }), /^pins.button:/);
  assert.match(bad({ pins: { led: 2 } }), /^pins.led: unknown/);
  assert.match(bad({ led: "rgb" }), /^led:/);
  assert.match(bad({ power: "solar" }), /^power:/);
  assert.match(bad({ heartbeatS: -1 }), /^heartbeatS:/);
  assert.match(bad({ battery: { pin: 2, divider: 2 } }), /^battery.pin:/);
  assert.match(bad({ battery: { pin: 34, divider: 0 } }), /^battery.divider:/);
  assert.match(bad({ extra: 1 }), /^extra: unknown field/);
});

test.run();
