// A relay in its own process (started by relay-process.ts), so a test can measure its memory
// without the test's own allocations in the figure. Options come as JSON in BTTN_RELAY_OPTIONS.
import { startRelay } from "../../relay/src/relay";
import { createLogger } from "../../relay/src/log";

const opts = JSON.parse(process.env.BTTN_RELAY_OPTIONS!);
const relay = await startRelay({ ...opts, log: createLogger(opts.logLevel ?? "info") });
process.send!({ mqttPort: relay.mqttPort, httpPort: relay.httpPort });
process.on("message", async (m: { cmd: string }) => {
  if (m.cmd !== "close") return;
  await relay.close();
  process.exit(0);
});
process.on("disconnect", () => process.exit(1)); // the test died: do not linger
