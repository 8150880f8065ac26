// Our MQTT 3.1.1 packets, byte for byte against mqtt-packet (the mqtt.js team's codec), both ways:
// what we send must equal what mqtt-packet generates, and what mqtt-packet generates (as a broker
// would send it) must parse to the same fields with our reader, however TCP cuts the stream.
import { test } from "uvu";
import * as assert from "uvu/assert";
import mqttPacket from "mqtt-packet";
import { connect, DISCONNECT, frame, PINGREQ, puback, publish, subscribe } from "../src/core/mqtt/packets";
import { createReader, parsePublish, u16At } from "../src/core/mqtt/reader";

const bytes = (s: string) => Buffer.from(s, "latin1");
const gen = (p: object) => mqttPacket.generate(p as mqttPacket.Packet, { protocolVersion: 4 });

/** Parses bytes with mqtt-packet's own parser. */
function theirParse(b: Buffer): mqttPacket.Packet[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const out: mqttPacket.Packet[] = [];
  const errors: Error[] = [];
  parser.on("packet", (p) => out.push(p));
  parser.on("error", (e) => errors.push(e));
  parser.parse(b);
  if (errors.length) throw errors[0];
  return out;
}

/** Feeds bytes to our reader in the pieces given; returns [first byte, body] per packet. */
function ourParse(pieces: string[], max = 1 << 21): { packets: [number, string][]; ok: boolean } {
  const packets: [number, string][] = [];
  const feed = createReader(max, (first, body) => packets.push([first, body]));
  let ok = true;
  for (const p of pieces) ok = feed(p) && ok;
  return { packets, ok };
}

const everyByte = (s: string) => s.split("");

test("CONNECT with user name, password, retained QoS 1 will and keepalive", () => {
  for (const clean of [false, true]) {
    const ours = connect({
      clientId: "kitchen",
      username: "kitchen",
      password: "s3cret-\x01\xff",
      keepalive: 30,
      clean,
      will: { topic: "bttn/kitchen/status", payload: '{"v":1,"online":false}' },
    });
    const theirs = gen({
      cmd: "connect",
      protocolId: "MQTT",
      protocolVersion: 4,
      clean,
      clientId: "kitchen",
      keepalive: 30,
      username: "kitchen",
      password: Buffer.from("s3cret-\x01\xff", "latin1"),
      will: { topic: "bttn/kitchen/status", payload: Buffer.from('{"v":1,"online":false}'), qos: 1, retain: true },
    });
    assert.equal(bytes(ours), theirs, "clean=" + clean);
  }
});

test("PUBLISH QoS 0 and 1, retain and DUP flags", () => {
  const cases = [
    { qos: 0, retain: false, dup: false, id: 0 },
    { qos: 0, retain: true, dup: false, id: 0 },
    { qos: 1, retain: false, dup: false, id: 1 },
    { qos: 1, retain: true, dup: false, id: 258 },
    { qos: 1, retain: false, dup: true, id: 65535 },
  ];
  for (const c of cases) {
    const payload = '{"v":1,"boot":"9f2c41aa","seq":3,"type":"pressed","age":0}';
    const ours = publish("bttn/kitchen/event", payload, c.qos, c.retain, c.dup, c.id);
    const theirs = gen({ cmd: "publish", topic: "bttn/kitchen/event", payload: Buffer.from(payload), qos: c.qos, retain: c.retain, dup: c.dup, messageId: c.qos ? c.id : undefined });
    assert.equal(bytes(ours), theirs, JSON.stringify(c));
  }
});

test("SUBSCRIBE (two topics, QoS 1), PUBACK, PINGREQ, DISCONNECT", () => {
  assert.equal(
    bytes(subscribe(7, ["bttn/kitchen/result", "bttn/kitchen/config"], 1)),
    gen({ cmd: "subscribe", messageId: 7, subscriptions: [{ topic: "bttn/kitchen/result", qos: 1 }, { topic: "bttn/kitchen/config", qos: 1 }] }),
  );
  assert.equal(bytes(puback(513)), gen({ cmd: "puback", messageId: 513 }));
  assert.equal(bytes(PINGREQ), gen({ cmd: "pingreq" }));
  assert.equal(bytes(DISCONNECT), gen({ cmd: "disconnect" }));
});

test("remaining length at the edges of 1, 2, 3 and 4 bytes: 127/128, 16383/16384, 2097151/2097152", () => {
  const topic = "t";
  for (const remaining of [0, 1, 127, 128, 16383, 16384, 2097151, 2097152]) {
    if (remaining < 3) {
      const ours = frame(0xc0, "x".repeat(remaining));
      assert.equal(ourParse([ours]).packets, [[0xc0, "x".repeat(remaining)]]);
      continue;
    }
    const payload = "p".repeat(remaining - 2 - topic.length);
    const ours = publish(topic, payload, 0, false, false, 0);
    const theirs = gen({ cmd: "publish", topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false });
    assert.equal(bytes(ours), theirs, "remaining length " + remaining);
    const back = theirParse(theirs)[0] as mqttPacket.IPublishPacket;
    assert.is(back.payload.length, payload.length);
    const mine = ourParse([theirs.toString("latin1")]);
    assert.ok(mine.ok);
    assert.is(parsePublish(mine.packets[0][0], mine.packets[0][1]).payload.length, payload.length);
  }
});

test("broker packets parse to the same fields, whole, byte by byte and run together", () => {
  const stream = [
    gen({ cmd: "connack", returnCode: 0, sessionPresent: true }),
    gen({ cmd: "suback", messageId: 9, granted: [1, 128] }),
    gen({ cmd: "publish", topic: "bttn/kitchen/result", payload: Buffer.from('{"v":1,"state":"ok"}'), qos: 1, messageId: 40000, retain: false, dup: true }),
    gen({ cmd: "publish", topic: "bttn/kitchen/config", payload: Buffer.from('{"v":1}'), qos: 0, retain: true, dup: false }),
    gen({ cmd: "puback", messageId: 12 }),
    gen({ cmd: "pingresp" }),
    gen({ cmd: "connack", returnCode: 5, sessionPresent: false }),
  ];
  const all = Buffer.concat(stream).toString("latin1");
  for (const pieces of [[all], everyByte(all), [all.slice(0, 7), all.slice(7, 8), all.slice(8)]]) {
    const r = ourParse(pieces);
    assert.ok(r.ok);
    const [connack, suback, pub1, pub0, pubAck, pingresp, refused] = r.packets;
    assert.equal([connack[0] >> 4, connack[1].charCodeAt(0) & 1, connack[1].charCodeAt(1)], [2, 1, 0]);
    assert.equal([suback[0] >> 4, u16At(suback[1], 0), suback[1].charCodeAt(2), suback[1].charCodeAt(3)], [9, 9, 1, 128]);
    assert.equal(parsePublish(pub1[0], pub1[1]), { topic: "bttn/kitchen/result", payload: '{"v":1,"state":"ok"}', qos: 1, id: 40000 });
    assert.equal(parsePublish(pub0[0], pub0[1]), { topic: "bttn/kitchen/config", payload: '{"v":1}', qos: 0, id: 0 });
    assert.equal([pubAck[0] >> 4, u16At(pubAck[1], 0)], [4, 12]);
    assert.equal([pingresp[0] >> 4, pingresp[1]], [13, ""]);
    assert.equal([refused[0] >> 4, refused[1].charCodeAt(1)], [2, 5]);
  }
});

test("our packets parse with mqtt-packet's parser to what we meant", () => {
  const p = theirParse(bytes(publish("bttn/x/event", "hello", 1, false, true, 77)))[0] as mqttPacket.IPublishPacket;
  assert.equal([p.cmd, p.topic, p.payload.toString(), p.qos, p.messageId, p.dup, p.retain], ["publish", "bttn/x/event", "hello", 1, 77, true, false]);
  const c = theirParse(bytes(connect({ clientId: "x", username: "x", password: "pw", keepalive: 5, clean: false, will: { topic: "bttn/x/status", payload: "off" } })))[0] as mqttPacket.IConnectPacket;
  assert.equal([c.clientId, c.username, c.password?.toString(), c.keepalive, c.clean, c.will?.topic, c.will?.qos, c.will?.retain], ["x", "x", "pw", 5, false, "bttn/x/status", 1, true]);
});

test("the reader refuses a remaining length over 4 bytes and packets over its limit", () => {
  assert.not.ok(ourParse(["\x30\xff\xff\xff\xff\x01"]).ok, "5-byte length");
  assert.not.ok(ourParse([publish("t", "x".repeat(5000), 0, false, false, 0)], 4096).ok, "too large");
  const half = ourParse(["\x30\xff"]);
  assert.ok(half.ok, "an unfinished length is just unfinished");
  assert.equal(half.packets, []);
});

test.run();
