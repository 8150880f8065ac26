// The MQTT client's behaviour over time, with a fake clock and a scripted socket: keepalive and
// dead-link detection, CONNACK checks and timeouts, PUBACK tracking and DUP resends. The same client
// against real brokers is in test/firmware-mqtt.test.ts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import mqttPacket from "mqtt-packet";
import { createMqttClient } from "../src/core/mqtt/client";
import { fakeBindings, FakeSocket, writtenPackets } from "./fakes";

const OPTS = { clientId: "kitchen", username: "kitchen", password: "pw", keepalive: 30, clean: false, will: { topic: "bttn/kitchen/status", payload: "{}" } };


const send = (s: FakeSocket, p: object) => s.h.data(mqttPacket.generate(p as mqttPacket.Packet).toString("latin1"));

function rig() {
  const b = fakeBindings();
  const ev: string[] = [];
  const messages: [string, string][] = [];
  const c = createMqttClient(b, OPTS, 10000, {
    up: (sp) => ev.push("up" + (sp ? "+session" : "")),
    refused: (code) => ev.push("refused " + code),
    down: () => ev.push("down"),
    message: (t, p) => messages.push([t, p]),
  });
  const connect = () => {
    c.open("relay.local", 1883);
    const s = b.sockets[b.sockets.length - 1];
    s.h.open();
    send(s, { cmd: "connack", returnCode: 0, sessionPresent: false });
    return s;
  };
  return { b, c, ev, messages, connect };
}

test("CONNECT goes out when the socket opens; an accepted CONNACK is up", () => {
  const r = rig();
  const s = r.connect();
  assert.equal([s.host, s.port], ["relay.local", 1883]);
  const p = writtenPackets(s)[0] as mqttPacket.IConnectPacket;
  assert.equal([p.cmd, p.clientId, p.username, p.password?.toString(), p.keepalive, p.clean, p.will?.retain], ["connect", "kitchen", "kitchen", "pw", 30, false, true]);
  assert.equal(r.ev, ["up"]);
});

test("a refused CONNACK is reported with its code and the link closes", () => {
  const r = rig();
  r.c.open("h", 1);
  const s = r.b.sockets[0];
  s.h.open();
  send(s, { cmd: "connack", returnCode: 5, sessionPresent: false });
  assert.equal(r.ev, ["refused 5", "down"]);
  assert.ok(s.ended);
});

test("no CONNACK in time: the attempt ends (down), it does not hang", () => {
  const r = rig();
  r.c.open("h", 1);
  r.b.sockets[0].h.open();
  r.b.clock.advance(9999);
  assert.equal(r.ev, []);
  r.b.clock.advance(1);
  assert.equal(r.ev, ["down"]);
  assert.ok(r.b.sockets[0].ended);
});

test("keepalive: PINGREQ every keepalive; answered, the link lives; unanswered, it is dropped", () => {
  const r = rig();
  const s = r.connect();
  r.b.clock.advance(30000);
  assert.equal(writtenPackets(s).map((p) => p.cmd), ["connect", "pingreq"]);
  send(s, { cmd: "pingresp" });
  r.b.clock.advance(30000);
  assert.equal(writtenPackets(s).map((p) => p.cmd), ["connect", "pingreq", "pingreq"]);
  assert.equal(r.ev, ["up"], "still up after an answered ping");
  r.b.clock.advance(30000); // no answer to the second ping
  assert.equal(r.ev, ["up", "down"]);
  assert.ok(s.ended);
});

test("QoS 1 publish is kept until PUBACK; then `acked` runs once", () => {
  const r = rig();
  const s = r.connect();
  let acked = 0;
  r.c.publish("bttn/kitchen/event", "e1", false, () => acked++);
  const p = writtenPackets(s)[1] as mqttPacket.IPublishPacket;
  assert.equal([p.qos, p.retain, p.dup, p.payload.toString()], [1, false, false, "e1"]);
  assert.is(r.c.unacked(), 1);
  send(s, { cmd: "puback", messageId: p.messageId });
  send(s, { cmd: "puback", messageId: p.messageId }); // a duplicate PUBACK changes nothing
  assert.equal([acked, r.c.unacked()], [1, 0]);
});

test("unacknowledged publishes go out again with DUP, in order, after a reconnect", () => {
  const r = rig();
  const s1 = r.connect();
  r.c.publish("bttn/kitchen/event", "e1", false);
  r.c.publish("bttn/kitchen/event", "e2", false);
  s1.h.close(); // the relay went away
  assert.equal(r.ev, ["up", "down"]);
  r.c.publish("bttn/kitchen/event", "e3", false); // made while offline: kept, not sent yet
  const s2 = r.connect();
  const again = writtenPackets(s2).slice(1) as mqttPacket.IPublishPacket[];
  assert.equal(again.map((p) => [p.payload.toString(), p.dup]), [["e1", true], ["e2", true], ["e3", false]]);
  const first = writtenPackets(s1).slice(1) as mqttPacket.IPublishPacket[];
  assert.equal(again.slice(0, 2).map((p) => p.messageId), first.map((p) => p.messageId), "same packet ids");
});

test("QoS 1 messages from the broker are acknowledged and delivered", () => {
  const r = rig();
  const s = r.connect();
  send(s, { cmd: "publish", topic: "bttn/kitchen/result", payload: Buffer.from('{"v":1}'), qos: 1, messageId: 99, retain: false, dup: false });
  assert.equal(r.messages, [["bttn/kitchen/result", '{"v":1}']]);
  const ack = writtenPackets(s)[1] as mqttPacket.IPubackPacket;
  assert.equal([ack.cmd, ack.messageId], ["puback", 99]);
});

test("SUBACK: ok when granted, not ok when the broker refused a topic (0x80)", () => {
  const r = rig();
  const s = r.connect();
  const got: boolean[] = [];
  r.c.subscribe(["a", "b"], (ok) => got.push(ok));
  const sub = writtenPackets(s)[1] as mqttPacket.ISubscribePacket;
  assert.equal(sub.subscriptions, [{ topic: "a", qos: 1 }, { topic: "b", qos: 1 }]);
  send(s, { cmd: "suback", messageId: sub.messageId, granted: [1, 128] });
  r.c.subscribe(["a"], (ok) => got.push(ok));
  const sub2 = writtenPackets(s)[2] as mqttPacket.ISubscribePacket;
  send(s, { cmd: "suback", messageId: sub2.messageId, granted: [1] });
  assert.equal(got, [false, true]);
});

test("a malformed stream drops the link", () => {
  const r = rig();
  const s = r.connect();
  s.h.data("\x30\xff\xff\xff\xff\x7f");
  assert.equal(r.ev, ["up", "down"]);
});

test("close sends DISCONNECT (so the will stays unpublished); drop does not", () => {
  const a = rig();
  const s1 = a.connect();
  a.c.close();
  assert.equal(writtenPackets(s1).map((p) => p.cmd), ["connect", "disconnect"]);
  const b = rig();
  const s2 = b.connect();
  b.c.drop();
  assert.equal(writtenPackets(s2).map((p) => p.cmd), ["connect"]);
  assert.ok(s2.ended);
});

test.run();
