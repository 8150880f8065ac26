// Reads bttn-relay's command line against the command table: finds the command, refuses a flag it
// does not take and arguments it does not have, and hands the command what it was given.
import { parseArgs } from "node:util";
import { Command, COMMANDS, Invocation } from "./commands";
import { flag, FlagName, FLAGS, GLOBAL_FLAGS } from "./flags";
import { resolveSettings, UsageError } from "./options";

/** `help` with a command: that command's own --help (`bttn-relay action set --help`). */
export type CommandLine = { kind: "help"; command?: Command } | { kind: "version" } | { kind: "command"; command: Command; invocation: Invocation };

const PARSE_OPTIONS = {
  ...Object.fromEntries((Object.keys(FLAGS) as FlagName[]).map((name) => [name, { type: flag(name).value ? "string" : "boolean", multiple: flag(name).multiple === true }])),
  ...GLOBAL_FLAGS,
} as Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

/** The command whose words start the positionals; `run` when there are none. */
function findCommand(pos: string[]): { command: Command; args: string[] } {
  if (pos.length === 0) return { command: COMMANDS.find((c) => c.words === "run")!, args: [] };
  for (const command of COMMANDS) {
    const words = command.words.split(" ");
    if (words.every((w, i) => pos[i] === w)) return { command, args: pos.slice(words.length) };
  }
  throw new UsageError("unknown command: " + pos.join(" ") + " (see --help)");
}

/** Parses argv; an unknown flag (any command's or none's) is parseArgs' own error, ERR_PARSE_ARGS_*. */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv, cwd: string): CommandLine {
  const { values, positionals } = parseArgs({ args: argv, options: PARSE_OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    // Help wins over everything else on the line; a command that is not one gets the whole help.
    let command: Command | undefined;
    try {
      command = positionals.length ? findCommand(positionals).command : undefined;
    } catch {
      command = undefined;
    }
    return { kind: "help", command };
  }
  if (values.version) return { kind: "version" };
  const { command, args } = findCommand(positionals);
  const given = Object.keys(values) as FlagName[];
  for (const name of given) {
    const refusal = flag(name).refusal;
    if (refusal) throw new UsageError(`${command.words} does not take --${name} (${refusal})`);
    if (!command.flags.includes(name)) {
      const takes = command.flags.length <= 8 ? "it takes " + command.flags.map((f) => "--" + f).join(", ") : "--help lists the ones it takes";
      throw new UsageError(`${command.words} does not take --${name} (${takes})`);
    }
  }
  const required = command.args.filter((a) => !a.startsWith("["));
  if (args.length < required.length) throw new UsageError("missing " + required[args.length] + " (see --help)");
  if (args.length > command.args.length) throw new UsageError(`${command.words}: unexpected argument ${JSON.stringify(args[command.args.length])} (see --help)`);
  const last = (v: unknown): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v) as string | undefined;
  const invocation: Invocation = {
    args,
    str: (name) => last(values[name]),
    flag: (name) => values[name] === true,
    list: (name) => {
      const v = values[name];
      return v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string];
    },
    settings: () => {
      const bySetting: Record<string, string | undefined> = {};
      for (const name of given) {
        const setting = flag(name).setting;
        // A switch (--metrics-open) is true when given; options.ts reads it as its variable's "true".
        if (setting) bySetting[setting] = values[name] === true ? "true" : last(values[name]);
      }
      return resolveSettings(bySetting, env, cwd);
    },
  };
  return { kind: "command", command, invocation };
}
