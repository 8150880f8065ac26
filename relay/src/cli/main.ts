// bttn-relay's command line. `run` (the default) starts the relay; the other commands edit the
// database that a running relay watches. The commands and their flags: commands.ts.
import "./gc-tuning"; // first: V8 flags must be set before the relay allocates
import { ConfigError } from "../config/file";
import { isJournalStream } from "../journal";
import { commandHelp, HELP } from "./help";
// The project's one version: the root package.json's, which the firmware build reads too.
import { version as VERSION } from "../../../package.json";
import { UsageError } from "./options";
import { parseCommandLine } from "./parse";
import { explainError } from "./start-errors";


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

/** A line that ends the program; an error record (priority 3) when stderr is systemd's journal. */
const fatal = (line: string) => process.stderr.write((isJournalStream() ? "<3>" : "") + "bttn-relay: " + line + "\n");

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError || err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      fatal((err as Error).message);
      process.exit(2);
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === "EADDRINUSE") {
      fatal("a port is already in use (" + e.message + "); choose another with --mqtt-port / --mqtts-port / --http-port");
      process.exit(1);
    }
    fatal(explainError(e) ?? e.stack ?? String(e));
    process.exit(1);
  },
);
