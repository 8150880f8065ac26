// The simulated bttns, as lean as a load generator must be: one TCP socket each, packets built and
// parsed with mqtt-packet (the mqtt.js team's codec), no client library in between. mqtt.js with
// fifty clients cost the generator more CPU than the relay under test spent on MQTT.
import { connect, Socket } from "node:net";
import mqttPacket from "mqtt-packet";

export interface RawDevice {
  id: string;
  publish(topic: string, payload: string): void;
  close(): void;
}

export function connectRawDevice(port: number, id: string, password: string, onResult: (payload: Buffer) => void): Promise<RawDevice> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    let nextId = 1;
    const send = (p: object) => socket.write(mqttPacket.generate(p as mqttPacket.Packet));
    const device: RawDevice = {
      id,
      publish(topic, payload) {
        const messageId = nextId;
        nextId = nextId === 65535 ? 1 : nextId + 1;
        send({ cmd: "publish", topic, payload, qos: 1, messageId, retain: false, dup: false });
      },
      close: () => socket.destroy(),
    };
    parser.on("packet", (p: mqttPacket.Packet) => {
      if (p.cmd === "connack") {
        if (p.returnCode !== 0) return reject(new Error(id + ": CONNACK " + p.returnCode));
        send({ cmd: "subscribe", messageId: 65535, subscriptions: [{ topic: `bttn/${id}/result`, qos: 1 }] });
      } else if (p.cmd === "suback") {
        resolve(device);
      } else if (p.cmd === "publish") {
        if (p.qos === 1) send({ cmd: "puback", messageId: p.messageId });
        onResult(p.payload as Buffer);
      }
    });
    parser.on("error", (e: Error) => reject(e));
    socket.on("data", (d) => parser.parse(d));
    socket.once("error", reject);
    socket.once("connect", () => send({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId: id, keepalive: 60, username: id, password: Buffer.from(password) }));
  });
}
