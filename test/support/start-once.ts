// Starts a relay in this process from BTTN_RELAY_OPTIONS (JSON) and, if the start fails, says so
// on stdout and does nothing more: the process then ends by itself only if the failed start left
// no timers, sockets or threads behind. A start that succeeds is closed again at once.
import { startRelay } from "../../relay/src/relay";
import { createLogger } from "../../relay/src/log";

const opts = JSON.parse(process.env.BTTN_RELAY_OPTIONS!);
startRelay({ ...opts, log: createLogger("debug") }).then(
  (relay) => {
    process.stdout.write("started\n");
    return relay.close();
  },
  (err: NodeJS.ErrnoException) => process.stdout.write("start failed: " + (err.code ?? err.message) + "\n"),
);
