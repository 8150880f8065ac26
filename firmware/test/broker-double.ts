// A scripted broker at the socket boundary, for the app's unit tests on a fake clock: it answers
// CONNECT, SUBSCRIBE, PUBLISH (QoS 1) and PINGREQ 1 ms later, records what the device published and
// can deliver messages to it. Real brokers are in test/firmware-*.test.ts; this one exists so timing
// (deadlines, sleep, retries) can be tested in fake time.
import mqttPacket from "mqtt-packet";
import type { FakeBindings, FakeSocket } from "./fakes";

export interface BrokerDouble {
  published: { topic: string; payload: string; retain: boolean; dup: boolean }[];
  /** Events published on <prefix>/<id>/event, parsed. */
  events(): Record<string, unknown>[];
  /** Sends a QoS 1 message to the device on its current connection. */
  deliver(topic: string, payload: string): void;
  /** CONNACK return code for the next connections (0 = accept). */
  refuse: number;
  /** Stop acknowledging publishes (a broker that hangs). */
  holdAcks: boolean;
  sockets: FakeSocket[];
}

export function brokerDouble(b: FakeBindings): BrokerDouble {
  const d: BrokerDouble = {
    published: [],
    events: () => d.published.filter((p) => p.topic.endsWith("/event")).map((p) => JSON.parse(p.payload)),
    deliver(topic, payload) {
      const s = d.sockets[d.sockets.length - 1];
      reply(s, { cmd: "publish", topic, payload: Buffer.from(payload, "latin1"), qos: 1, messageId: 1 + (d.published.length % 60000), retain: false, dup: false });
    },
    refuse: 0,
    holdAcks: false,
    sockets: [],
  };
  const reply = (s: FakeSocket, p: object) => {
    b.clock.after(1, () => {
      if (!s.ended) s.h.data(mqttPacket.generate(p as mqttPacket.Packet).toString("latin1"));
    });
  };
  const connect = b.connect;
  b.connect = (host, port, h) => {
    const sock = connect(host, port, h);
    const s = b.sockets[b.sockets.length - 1];
    d.sockets.push(s);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on("packet", (p) => {
      if (p.cmd === "connect") reply(s, { cmd: "connack", returnCode: d.refuse, sessionPresent: false });
      else if (p.cmd === "subscribe") reply(s, { cmd: "suback", messageId: p.messageId, granted: p.subscriptions.map(() => 1) });
      else if (p.cmd === "pingreq") reply(s, { cmd: "pingresp" });
      else if (p.cmd === "publish") {
        d.published.push({ topic: p.topic, payload: p.payload.toString("latin1"), retain: p.retain, dup: p.dup });
        if (p.qos && !d.holdAcks) reply(s, { cmd: "puback", messageId: p.messageId });
      }
    });
    const write = sock.write;
    sock.write = (data) => {
      write(data);
      parser.parse(Buffer.from(data, "latin1"));
    };
    b.clock.after(1, () => h.open());
    return sock;
  };
  // Wi-Fi comes up 5 ms after it is asked.
  b.wifi.connect = (_w, done) => {
    b.wifiCalls++;
    b.clock.after(5, done);
  };
  return d;
}
