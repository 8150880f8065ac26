// Real-network helpers for the firmware's end-to-end tests: a TCP proxy that can go silent (a
// dead link that never closes, as when Wi-Fi vanishes mid-connection), and a relay that can be
// stopped and started again on the same MQTT port (a relay restart, as the device sees it).
import * as net from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRelay, Relay } from "../../relay/src/relay";
import type { ConfigFileInput } from "../../relay/src/config/schema";
import { createLogger } from "../../relay/src/log";

export interface Proxy {
  port: number;
  /** Connections open now stop forwarding in both directions, without closing; new ones work. */
  freeze(): void;
  connections(): number;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<Proxy> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const live: Array<{ frozen: boolean }> = [];
  const server = net.createServer((client) => {
    count++;
    const conn = { frozen: false };
    live.push(conn);
    const up = net.connect(targetPort, "127.0.0.1");
    for (const s of [client, up]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        // A frozen link tells the device nothing, not even that the broker hung up.
        if (s === up && conn.frozen) return;
        client.destroy();
        up.destroy();
      });
    }
    client.on("data", (d) => void (!conn.frozen && up.write(d)));
    up.on("data", (d) => void (!conn.frozen && client.write(d)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => {
      for (const c of live) c.frozen = true;
    },
    connections: () => count,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

export interface RelayOnPort {
  mqttPort: number;
  relay: Relay;
  logs: string[];
  stop(): Promise<void>;
  /** Starts it again on the same ports and data (after stop). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A relay on a fixed MQTT port, so a device configured for it can come back to it after a restart. */
export async function relayOnPort(config: ConfigFileInput): Promise<RelayOnPort> {
  const dataDir = mkdtempSync(join(tmpdir(), "bttn-fw-relay-"));
  const logs: string[] = [];
  const log = createLogger("debug", (l) => logs.push(l));
  let relay = await startRelay({ dataDir, config, mqttPort: 0, httpPort: 0, host: "127.0.0.1", log });
  const mqttPort = relay.mqttPort;
  let running = true;
  const r: RelayOnPort = {
    mqttPort,
    get relay() {
      return relay;
    },
    logs,
    async stop() {
      if (!running) return;
      running = false;
      await relay.close();
    },
    async start() {
      relay = await startRelay({ dataDir, config, mqttPort, httpPort: 0, host: "127.0.0.1", log });
      running = true;
    },
    async close() {
      await r.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return r;
}
