// Starts a relay in-process for a test, on the embedded broker or against a real mosquitto, with a
// webhook sink and a log that the test can read.
import { rmSync } from "node:fs";
import { startRelay, Relay, RelayOptions } from "../../relay/src/relay";
import type { ConfigFileInput } from "../../relay/src/config/schema";
import { createLogger } from "../../relay/src/log";
import { startMosquitto, Mosquitto } from "./mosquitto";
import { startSink, WebhookSink } from "./webhook-sink";
import { connectDevice, TestDevice } from "./device";
import { startPostgres, Postgres } from "./postgres";
import { tempDir } from "./temp";

/** "group": two relays sharing presses through mosquitto's shared subscriptions and one PostgreSQL store. */
export type BrokerKind = "embedded" | "mosquitto" | "group";

/** The group's shared-subscription name in tests. */
export const SHARE_GROUP = "bttn-test";

export interface Rig {
  kind: BrokerKind;
  /** The first relay (the only one but in a group). */
  relay: Relay;
  /** Every relay of the rig: one, or the group's. */
  relays: Relay[];
  /** Duplicate events seen by all the relays. */
  duplicates(): number;
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
  let pg: Postgres | undefined;
  let storeUrl: string | undefined;
  if (kind === "group") {
    pg = await startPostgres();
    storeUrl = pg.url;
  }
  if (kind === "mosquitto" || kind === "group") {
    const users: Record<string, string> = { [RELAY_USER.username]: RELAY_USER.password, ...extraBrokerUsers };
    for (const [id, b] of Object.entries(config.bttns ?? {})) users[id] = (b as { secret: string }).secret;
    mosq = await startMosquitto(users);
  }
  const groupSize = kind === "group" ? 2 : 1;
  const dataDirs = Array.from({ length: groupSize }, (_, i) => (i === 0 ? dir.path : dir.path + "-" + i));
  const startOne = (dataDir: string) =>
    startRelay({
      ...relayOptions,
      store: storeUrl,
      shareGroup: storeUrl ? SHARE_GROUP : undefined,
      dataDir,
      config,
      mqttPort: 0,
      httpPort: 0,
      host: "127.0.0.1",
      log,
      broker: mosq?.url,
      brokerUsername: mosq ? RELAY_USER.username : undefined,
      brokerPassword: mosq ? RELAY_USER.password : undefined,
    });
  // One after the other: each applies the config file to the shared store.
  const start = async () => {
    const started: Relay[] = [];
    for (const d of dataDirs) started.push(await startOne(d));
    return started;
  };
  const first = await start();
  const devices: TestDevice[] = [];
  const rig: Rig = {
    kind,
    relay: first[0],
    relays: first,
    duplicates: () => rig.relays.reduce((n, r) => n + r.pipeline.stats.duplicates, 0),
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
      for (const r of rig.relays) await r.close();
      if (next) config = next;
      rig.relays = await start();
      rig.relay = rig.relays[0];
    },
    async close() {
      for (const d of devices) await d.close().catch(() => {});
      for (const r of rig.relays) await r.close();
      await sink.close();
      if (mosq) await mosq.stop();
      if (pg) await pg.stop();
      dir.remove();
      for (const d of dataDirs.slice(1)) rmSync(d, { recursive: true, force: true });
    },
  };
  return rig;
}
