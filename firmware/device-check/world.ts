// What the bttn talks to in the device check: the real relay (embedded broker, SQLite store) on
// loopback, on a fixed MQTT port so that it can be stopped and started again, and a real HTTP
// server on loopback that receives its webhooks and answers as a scenario says.
import { randomBytes } from "node:crypto";
import type { DeviceFile } from "@bttn/shared";
import { startSink, WebhookSink } from "../../test/support/webhook-sink";
import { relayOnPort, RelayOnPort } from "../test/net-helpers";

export const BTTN_ID = "devcheck";

export interface World {
  relay: RelayOnPort;
  sink: WebhookSink;
  /** The device file for the bttn the relay knows (with its real secret). */
  device: DeviceFile;
  /** The relay's log lines since the start. */
  logs: string[];
  /** The relay's events for this bttn, oldest first. */
  events(): Promise<Array<{ type: string; boot: string; seq: number; age: number; state: string }>>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const sink = await startSink();
  const secret = randomBytes(12).toString("hex");
  const action = (path: string) => ({ http: { method: "POST" as const, url: sink.url("/hook/" + path), format: "json" as const, args: { type: "<ETYPE>" } } });
  const relay = await relayOnPort({
    bttns: { [BTTN_ID]: { secret, actions: { pressed: action("pressed"), "pressed-long": action("long"), "pressed-double": action("double") } } },
  });
  const device: DeviceFile = {
    id: BTTN_ID,
    secret,
    relay: { host: "127.0.0.1", port: relay.mqttPort },
    wifi: { ssid: "device-check", password: "stood-in-by-the-preamble" },
  };
  return {
    relay,
    sink,
    device,
    logs: relay.logs,
    events: async () => (await relay.relay.events.feed(BTTN_ID, { limit: 500 })).slice().reverse(),
    async close() {
      await relay.close();
      await sink.close();
    },
  };
}
