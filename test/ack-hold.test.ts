// The embedded broker holds a press's PUBACK until the press's answer is written, so both reach the
// device in one TCP segment; a press with no answer, or a slow one, is still acknowledged within
// about HOLD_MAX_MS. Seen from a raw MQTT client that records each chunk the socket delivers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { connect, Socket } from "node:net";
import mqttPacket from "mqtt-packet";
import { decodeResult, encodeEvent } from "@bttn/shared";
import { startRig, Rig } from "./support/relay-rig";
import { HOLD_MAX_MS } from "../relay/src/bus/ack-hold";
import { sleep } from "./support/temp";

interface Arrival {
  chunk: number;
  at: number;
  packet: mqttPacket.Packet;
}

interface RawClient {
  socket: Socket;
  arrivals: Arrival[];
  publish(seq: number, type: string): number;
  waitFor(pred: (a: Arrival) => boolean, ms?: number): Promise<Arrival>;
}

async function rawClient(port: number, id: string, secret: string): Promise<RawClient> {
  const socket = connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const arrivals: Arrival[] = [];
  let chunk = 0;
  let at = 0;
  parser.on("packet", (packet: mqttPacket.Packet) => {
    arrivals.push({ chunk, at, packet });
    if (packet.cmd === "publish" && packet.qos === 1) socket.write(mqttPacket.generate({ cmd: "puback", messageId: packet.messageId! }));
  });
  socket.on("data", (d) => {
    chunk++;
    at = performance.now();
    parser.parse(d);
  });
  const waitFor = async (pred: (a: Arrival) => boolean, ms = 3000): Promise<Arrival> => {
    const until = performance.now() + ms;
    for (;;) {
      const a = arrivals.find(pred);
      if (a) return a;
      if (performance.now() > until) throw new Error("timed out waiting for a packet; got " + arrivals.map((x) => x.packet.cmd).join(","));
      await sleep(2);
    }
  };
  await new Promise<void>((res, rej) => {
    socket.once("error", rej);
    socket.once("connect", () => res());
  });
  socket.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: id + ".raw", keepalive: 60, username: id, password: Buffer.from(secret) }));
  await waitFor((a) => a.packet.cmd === "connack");
  socket.write(mqttPacket.generate({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic: `bttn/${id}/result`, qos: 1 }] }));
  await waitFor((a) => a.packet.cmd === "suback");
  return {
    socket,
    arrivals,
    waitFor,
    publish(seq, type) {
      const messageId = 100 + seq;
      socket.write(
        mqttPacket.generate({ cmd: "publish", topic: `bttn/${id}/event`, payload: encodeEvent({ v: 1, boot: "0a0b0c0d", seq, type: type as "pressed", age: 0 }), qos: 1, messageId, retain: false, dup: false }),
      );
      return messageId;
    },
  };
}

const isResult = (seq: number, state: string) => (a: Arrival) => {
  if (a.packet.cmd !== "publish") return false;
  const d = decodeResult(String(a.packet.payload));
  return d.ok && d.value.seq === seq && d.value.state === state;
};
const isPuback = (messageId: number) => (a: Arrival) => a.packet.cmd === "puback" && a.packet.messageId === messageId;

let rig: Rig;
let client: RawClient;
test.before(async () => {
  rig = await startRig("embedded", (sink) => ({
    bttns: {
      hall: {
        secret: "hall-secret-1",
        actions: { pressed: { http: { method: "POST", url: sink.url("/fast") } }, "pressed-long": { http: { method: "POST", url: sink.url("/slow") } } },
      },
    },
  }));
  rig.sink.respond((req, res) => {
    if (req.url === "/slow") setTimeout(() => res.end("ok"), 400);
    else res.end("ok");
  });
  client = await rawClient(rig.mqttPort, "hall", "hall-secret-1");
});
test.after(async () => {
  client?.socket.destroy();
  await rig?.close();
});

test("a fast press: its PUBACK and its result arrive in the same segment, PUBACK first", async () => {
  // A first press opens the connection to the webhook's server (and warms the code up): on a busy
  // machine that alone can outlast the hold, and it is not what a fast press is.
  client.publish(0, "pressed");
  await client.waitFor(isResult(0, "ok"));
  for (let seq = 1; seq <= 3; seq++) {
    const mid = client.publish(seq, "pressed");
    const result = await client.waitFor(isResult(seq, "ok"));
    const ack = await client.waitFor(isPuback(mid));
    assert.is(ack.chunk, result.chunk, "PUBACK and result in one read");
    assert.ok(client.arrivals.indexOf(ack) < client.arrivals.indexOf(result), "PUBACK before the result");
  }
});

test("an event with no answer (heartbeat) is still acknowledged within the hold's limit", async () => {
  const sent = performance.now();
  const mid = client.publish(10, "heartbeat");
  const ack = await client.waitFor(isPuback(mid));
  const waited = ack.at - sent;
  assert.ok(waited < HOLD_MAX_MS * 2 + 60, "PUBACK after " + waited.toFixed(0) + " ms");
  await sleep(100);
  assert.not.ok(client.arrivals.some(isResult(10, "ok")) || client.arrivals.some(isResult(10, "fail")), "a heartbeat gets no result");
});

test("a slow action: the PUBACK comes first, the result later", async () => {
  const sent = performance.now();
  const mid = client.publish(20, "pressed-long");
  const ack = await client.waitFor(isPuback(mid));
  const result = await client.waitFor(isResult(20, "ok"));
  assert.ok(ack.at - sent < HOLD_MAX_MS * 2 + 60, "PUBACK after " + (ack.at - sent).toFixed(0) + " ms");
  assert.ok(result.at - sent >= 390, "result after the webhook answered");
  assert.ok(ack.chunk < result.chunk);
});

test.run();
