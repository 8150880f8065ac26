// Starts a relay in-process for a test, on the embedded broker or against a real mosquitto, with a
// webhook sink and a log that the test can read.
import { startRelay, Relay, RelayOptions } from "../../relay/src/relay";
import type { ConfigFileInput } from "../../relay/src/config/schema";
import { createLogger } from "../../relay/src/log";
import { startMosquitto, Mosquitto } from "./mosquitto";
import { startSink, WebhookSink } from "./webhook-sink";
import { connectDevice, TestDevice } from "./device";
import { tempDir } from "./temp";

export type BrokerKind = "embedded" | "mosquitto";

export interface Rig {
  kind: BrokerKind;
  relay: Relay;
  sink: WebhookSink;
  logs: string[];
  dataDir: string;
  mqttPort: number;
  device(id: string, secret?: string): Promise<TestDevice>;
  /** Stops the relay and starts a new one on the same data dir and broker. */
  restart(config?: ConfigFileInput): Promise<void>;
  close(): Promise<void>;
}

export const RELAY_USER = { username: "relay", password: "relay-pass-123" };

/** uvu swallows errors thrown in `before` hooks: print them so a failing set-up says why. */
export async function startRig(...args: Parameters<typeof startRigInner>): Promise<Rig> {
  try {
    return await startRigInner(...args);
  } catch (e) {
    console.error("rig set-up failed:", e);
    throw e;
  }
}

/** `relayOptions`: more options for startRelay (a test's own DNS lookup, ...). */
async function startRigInner(
  kind: BrokerKind,
  makeConfig: (sink: WebhookSink) => ConfigFileInput,
  extraBrokerUsers: Record<string, string> = {},
  relayOptions: Partial<RelayOptions> = {},
): Promise<Rig> {
  const sink = await startSink();
  const dir = tempDir("relay");
  const logs: string[] = [];
  const log = createLogger("debug", (l) => logs.push(l));
  let config = makeConfig(sink);
  let mosq: Mosquitto | undefined;
  if (kind === "mosquitto") {
    const users: Record<string, string> = { [RELAY_USER.username]: RELAY_USER.password, ...extraBrokerUsers };
    for (const [id, b] of Object.entries(config.bttns ?? {})) users[id] = (b as { secret: string }).secret;
    mosq = await startMosquitto(users);
  }
  const start = () =>
    startRelay({
      ...relayOptions,
      dataDir: dir.path,
      config,
      mqttPort: 0,
      httpPort: 0,
      host: "127.0.0.1",
      log,
      broker: mosq?.url,
      brokerUsername: mosq ? RELAY_USER.username : undefined,
      brokerPassword: mosq ? RELAY_USER.password : undefined,
    });
  const devices: TestDevice[] = [];
  const rig: Rig = {
    kind,
    relay: await start(),
    sink,
    logs,
    dataDir: dir.path,
    get mqttPort() {
      return mosq ? mosq.port : rig.relay.mqttPort;
    },
    async device(id, secret) {
      const s = secret ?? (config.bttns?.[id] as { secret: string } | undefined)?.secret ?? "";
      const d = await connectDevice({ port: rig.mqttPort, id, secret: s });
      devices.push(d);
      return d;
    },
    async restart(next) {
      await rig.relay.close();
      if (next) config = next;
      rig.relay = await start();
    },
    async close() {
      for (const d of devices) await d.close().catch(() => {});
      await rig.relay.close();
      await sink.close();
      if (mosq) await mosq.stop();
      dir.remove();
    },
  };
  return rig;
}
