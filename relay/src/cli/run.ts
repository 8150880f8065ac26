// `bttn-relay run`: start the relay and keep it running until SIGINT or SIGTERM.
import { loadConfigFile } from "../config/file";
import { createLogger } from "../log";
import { startRelay } from "../relay";
import { RunSettings } from "./options";

export async function runRelay(s: RunSettings): Promise<number> {
  const log = createLogger(s.logLevel);
  const config = s.configFile ? loadConfigFile(s.configFile) : undefined;
  const relay = await startRelay({
    dataDir: s.dataDir,
    config,
    configSource: s.configFile,
    broker: s.broker,
    brokerUsername: s.brokerUsername,
    brokerPassword: s.brokerPassword,
    brokerCa: s.brokerCa,
    mqttPort: s.mqttPort,
    mqttsPort: s.mqttsPort,
    tls: s.tls,
    httpPort: s.httpPort,
    host: s.host,
    publicUrl: s.publicUrl,
    metrics: s.metricsOpen ? "open" : undefined,
    haDiscovery: s.haDiscovery || undefined,
    log,
  });
  return new Promise((resolve) => {
    const stop = (sig: string) => {
      log.info("received " + sig);
      relay.close().then(() => resolve(0), () => resolve(1));
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
}
