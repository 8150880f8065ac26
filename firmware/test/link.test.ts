// The link's state machine with a fake clock: Wi-Fi timeout and backoff, refused credentials
// retried slowly, the session set up in order, drops recovered.
import { test } from "uvu";
import * as assert from "uvu/assert";
import mqttPacket from "mqtt-packet";
import { createLink, LinkState } from "../src/core/link";
import { fakeBindings, FakeSocket, writtenPackets } from "./fakes";

const TIMING = { wifiMs: 20000, connackMs: 10000, backoffMs: 1000, backoffMaxMs: 60000, deniedMs: 60000 };
const OPTS = {
  host: "relay",
  port: 1883,
  mqtt: { clientId: "k", username: "k", password: "pw", keepalive: 30, clean: false, will: { topic: "bttn/k/status", payload: "off" } },
  subscribe: ["bttn/k/result", "bttn/k/config"],
  hello: { topic: "bttn/k/status", payload: "on" },
};

const send = (s: FakeSocket, p: object) => s.h.data(mqttPacket.generate(p as mqttPacket.Packet).toString("latin1"));

function rig() {
  const b = fakeBindings();
  const states: LinkState[] = [];
  const link = createLink(b, TIMING, OPTS, (s) => states.push(s), () => {});
  // Random spread off: backoff is exactly 1 s, 2 s, 4 s ...
  const random = Math.random;
  Math.random = () => 0.5;
  const restore = () => (Math.random = random);
  /** The broker accepts: CONNACK, then SUBACK for the subscription. */
  const accept = (s: FakeSocket) => {
    s.h.open();
    send(s, { cmd: "connack", returnCode: 0, sessionPresent: false });
    const sub = writtenPackets(s).find((p) => p.cmd === "subscribe") as mqttPacket.ISubscribePacket;
    send(s, { cmd: "suback", messageId: sub.messageId, granted: [1, 1] });
  };
  return { b, link, states, accept, restore };
}

test("wifi → broker → session: subscribed, then the retained online status, then up", () => {
  const r = rig();
  try {
    r.link.start();
    assert.equal(r.states, ["wait", "wifi"]);
    r.b.wifiDone!();
    assert.equal(r.states, ["wait", "wifi", "broker"]);
    r.accept(r.b.sockets[0]);
    assert.equal(r.states.slice(-1), ["up"]);
    const sent = writtenPackets(r.b.sockets[0]);
    assert.equal(sent.map((p) => p.cmd), ["connect", "subscribe", "publish"]);
    const hello = sent[2] as mqttPacket.IPublishPacket;
    assert.equal([hello.topic, hello.payload.toString(), hello.retain, hello.qos], ["bttn/k/status", "on", true, 1]);
  } finally {
    r.restore();
  }
});

test("no Wi-Fi: its own timeout, then retries with growing backoff", () => {
  const r = rig();
  try {
    r.link.start();
    r.b.clock.advance(20000);
    assert.is(r.b.wifiCalls, 1);
    assert.equal(r.states.slice(-1), ["wait"]);
    r.b.clock.advance(1000); // first backoff: 1 s
    assert.is(r.b.wifiCalls, 2);
    r.b.clock.advance(20000 + 1999);
    assert.is(r.b.wifiCalls, 2, "second backoff is 2 s");
    r.b.clock.advance(1);
    assert.is(r.b.wifiCalls, 3);
  } finally {
    r.restore();
  }
});

test("a late Wi-Fi callback from an abandoned attempt is ignored", () => {
  const r = rig();
  try {
    r.link.start();
    const stale = r.b.wifiDone!;
    r.b.clock.advance(20000);
    stale();
    assert.is(r.b.sockets.length, 0);
  } finally {
    r.restore();
  }
});

test("refused credentials: denied, and a slow retry (a minute), never a spin", () => {
  const r = rig();
  try {
    r.link.start();
    r.b.wifiDone!();
    const s = r.b.sockets[0];
    s.h.open();
    send(s, { cmd: "connack", returnCode: 4, sessionPresent: false });
    assert.equal(r.states.slice(-1), ["denied"]);
    r.b.clock.advance(59999);
    assert.is(r.b.sockets.length, 1);
    r.b.clock.advance(1);
    assert.is(r.b.sockets.length, 2, "tried again after a minute, without asking Wi-Fi again");
    assert.match(r.b.logs.join("\n"), /refused, code 4/);
    assert.not.match(r.b.logs.join("\n"), /pw/, "the secret is never logged");
  } finally {
    r.restore();
  }
});

test("a refused subscription is denied too (the broker's ACL does not know this bttn)", () => {
  const r = rig();
  try {
    r.link.start();
    r.b.wifiDone!();
    const s = r.b.sockets[0];
    s.h.open();
    send(s, { cmd: "connack", returnCode: 0, sessionPresent: false });
    const sub = writtenPackets(s)[1] as mqttPacket.ISubscribePacket;
    send(s, { cmd: "suback", messageId: sub.messageId, granted: [128, 128] });
    assert.equal(r.states.slice(-1), ["denied"]);
  } finally {
    r.restore();
  }
});

test("a dropped connection reconnects after backoff; a lost Wi-Fi is reconnected first", () => {
  const r = rig();
  try {
    r.link.start();
    r.b.wifiDone!();
    r.accept(r.b.sockets[0]);
    r.b.sockets[0].h.close();
    assert.equal(r.states.slice(-1), ["wait"]);
    r.b.clock.advance(1000);
    assert.is(r.b.sockets.length, 2, "straight to the broker: Wi-Fi is still up");
    r.accept(r.b.sockets[1]);
    assert.equal(r.states.slice(-1), ["up"]);
    for (const f of r.b.drops) f(); // the radio lost the access point
    assert.ok(r.b.sockets[1].ended, "the socket is not trusted after a Wi-Fi drop");
    r.b.clock.advance(1000); // backoff was reset by the good connection
    assert.is(r.b.wifiCalls, 2, "Wi-Fi first");
  } finally {
    r.restore();
  }
});

test("stop: DISCONNECT and no more retries", () => {
  const r = rig();
  try {
    r.link.start();
    r.b.wifiDone!();
    r.accept(r.b.sockets[0]);
    r.link.stop();
    assert.equal(writtenPackets(r.b.sockets[0]).slice(-1).map((p) => p.cmd), ["disconnect"]);
    r.b.clock.advance(600000);
    assert.is(r.b.sockets.length, 1);
    assert.is(r.link.state(), "off");
  } finally {
    r.restore();
  }
});

test.run();
