// bttn-relay's command line. `run` (the default) starts the relay; the other commands edit the
// database that a running relay watches. The commands and their flags: commands.ts.
import "./gc-tuning"; // first: V8 flags must be set before the relay allocates
import { ConfigError } from "../config/file";
import { commandHelp, HELP } from "./help";
// The project's one version: the root package.json's, which the firmware build reads too.
import { version as VERSION } from "../../../package.json";
import { UsageError } from "./options";
import { parseCommandLine } from "./parse";


async function main(argv: string[]): Promise<number> {
  const line = parseCommandLine(argv, process.env, process.cwd());
  if (line.kind === "help") {
    process.stdout.write(line.command && line.command.words !== "run" ? commandHelp(line.command) : HELP);
    return 0;
  }
  if (line.kind === "version") {
    process.stdout.write(VERSION + "\n");
    return 0;
  }
  return line.command.run(line.invocation);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError || err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write("bttn-relay: " + (err as Error).message + "\n");
      process.exit(2);
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") {
      process.stderr.write("bttn-relay: a port is already in use (" + e.message + "); choose another with --mqtt-port / --mqtts-port / --http-port\n");
      process.exit(1);
    }
    process.stderr.write("bttn-relay: " + (e.stack ?? String(e)) + "\n");
    process.exit(1);
  },
);
