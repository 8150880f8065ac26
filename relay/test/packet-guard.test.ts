// The packet guard against real MQTT bytes (mqtt-packet encodes them), fed whole, split at every
// byte, and with bodies that never end.
import { test } from "uvu";
import * as assert from "uvu/assert";
import mqttPacket from "mqtt-packet";
import { PacketGuard } from "../src/bus/packet-guard";
import { DEFAULT_MQTT_LIMITS } from "../src/bus/mqtt-limits";

const bounds = { maxConnectBytes: 4096, maxPacketBytes: 2048 };
const connect = mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: "kitchen", keepalive: 60, username: "kitchen", password: Buffer.from("s3cret-s3cret") });
const publish = (bytes: number) => mqttPacket.generate({ cmd: "publish", topic: "bttn/kitchen/event", payload: Buffer.alloc(bytes, 0x61), qos: 1, messageId: 7, retain: false, dup: false });
const ping = mqttPacket.generate({ cmd: "pingreq" });

/** Feeds `chunks` in order; the first reason given, or "". */
function feed(guard: PacketGuard, chunks: Buffer[]): string {
  for (const c of chunks) {
    const why = guard.feed(c);
    if (why) return why;
  }
  return "";
}

function bytewise(b: Buffer): Buffer[] {
  return [...b].map((x) => Buffer.from([x]));
}

test("a normal session passes, whole or split at every byte", () => {
  const stream = Buffer.concat([connect, publish(100), ping, publish(1024), ping]);
  assert.is(feed(new PacketGuard(bounds), [stream]), "");
  assert.is(feed(new PacketGuard(bounds), bytewise(stream)), "");
  // Split at each position in two.
  for (let i = 1; i < stream.length; i++) assert.is(feed(new PacketGuard(bounds), [stream.subarray(0, i), stream.subarray(i)]), "", "split at " + i);
});

test("a CONNECT announcing 256 MB is refused at its header, before any body", () => {
  const header = Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]); // 268,435,455 bytes
  assert.match(feed(new PacketGuard(bounds), [header]), /a CONNECT of 268435455 bytes \(at most 4096\)/);
  // Split across chunks too: the last length byte decides.
  const g = new PacketGuard(bounds);
  assert.is(g.feed(header.subarray(0, 2)), "");
  assert.is(g.feed(header.subarray(2, 4)), "");
  assert.match(g.feed(header.subarray(4)), /268435455/);
  assert.match(g.feed(Buffer.alloc(10)), /268435455/, "stays broken");
});

test("the first packet must be a CONNECT", () => {
  assert.match(feed(new PacketGuard(bounds), [publish(10)]), /the first packet is not a CONNECT \(type 3\)/);
  assert.match(feed(new PacketGuard(bounds), [ping]), /type 12/);
});

test("a CONNECT just within the bound passes; one byte more does not", () => {
  const exact = Buffer.concat([Buffer.from([0x10, 0x80, 0x20]), Buffer.alloc(4096)]); // 4096 = 0x80 0x20
  assert.is(feed(new PacketGuard(bounds), [exact]), "");
  assert.match(feed(new PacketGuard(bounds), [Buffer.from([0x10, 0x81, 0x20])]), /4097 bytes/);
});

test("a later packet over the bound is refused; its body is never waited for", () => {
  const g = new PacketGuard(bounds);
  assert.is(g.feed(connect), "");
  assert.is(g.feed(publish(1024)), "");
  const big = publish(3000);
  assert.match(g.feed(big.subarray(0, 3)), /a packet of \d+ bytes \(at most 2048\)/);
  // Byte by byte after a good CONNECT.
  assert.match(feed(new PacketGuard(bounds), [connect, ...bytewise(big)]), /at most 2048/);
});

test("a remaining length of more than four bytes is malformed", () => {
  assert.match(feed(new PacketGuard(bounds), [Buffer.from([0x10, 0x80, 0x80, 0x80, 0x80, 0x01])]), /malformed remaining length/);
});

test("the default later-packet bound carries the protocol's largest payload", () => {
  const g = new PacketGuard(DEFAULT_MQTT_LIMITS);
  assert.is(g.feed(Buffer.concat([connect, publish(1024)])), "");
  assert.ok(DEFAULT_MQTT_LIMITS.maxPacketBytes < 4096, "a few KiB at most");
});

test.run();
