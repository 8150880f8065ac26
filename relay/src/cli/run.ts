// `bttn-relay run`: start the relay and keep it running until SIGINT or SIGTERM.
import { loadConfigFile } from "../config/file";
import { createLogger } from "../log";
import { Relay, startRelay } from "../relay";
import { RunSettings } from "./options";

export async function runRelay(s: RunSettings): Promise<number> {
  const log = createLogger(s.logLevel);
  const config = s.configFile ? loadConfigFile(s.configFile) : undefined;
  // The signals are taken before the start, not after it: a service manager may stop the relay
  // while it starts (and the log line "relay started" may reach it before the start returns);
  // such a stop waits for the start to end, then closes what it started, as any other stop.
  let signalled: (sig: string) => void = () => {};
  const signal = new Promise<string>((res) => (signalled = res));
  process.once("SIGINT", () => signalled("SIGINT"));
  process.once("SIGTERM", () => signalled("SIGTERM"));
  let relay: Relay;
  try {
    relay = await startRelay({
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
      store: s.store,
      shareGroup: s.shareGroup,
      log,
    });
  } catch (e) {
    process.removeAllListeners("SIGINT").removeAllListeners("SIGTERM");
    throw e;
  }
  const sig = await signal;
  log.info("received " + sig);
  return relay.close().then(
    () => 0,
    () => 1,
  );
}
