// The text of `bttn-relay --help`, written from the command table (commands.ts) and the flags
// (flags.ts), so it lists exactly what the parser takes. Keep the prose true: a user on a Pi reads
// it first.
import { HTTP_LIMITS as L } from "../http/server";
import { Command, COMMANDS } from "./commands";
import { flag, FlagName, flagUsage } from "./flags";
import { ENV } from "./options";

const WIDTH = 100;
const SUMMARY_COLUMN = 38;
const HELP_COLUMN = 27;
const ENV_COLUMN = 81;

const s = (ms: number) => ms / 1000 + " s";
const pad = (text: string, n: number) => (text.length < n ? text + " ".repeat(n - text.length) : text + " ");

/** `[--name NAME]`, `--url URL`, `[--arg key=value ...]`, `--bttn ID [--bttn ID ...]`. */
function usageOf(c: Command, name: FlagName): string {
  const u = flagUsage(name);
  const required = c.required?.includes(name) ?? false;
  if (flag(name).multiple) return required ? `${u} [${u} ...]` : `[${u} ...]`;
  return required ? u : `[${u}]`;
}

/** Words wrapped at WIDTH; the lines after the first indented by 8. */
function wrap(words: string[]): string[] {
  const lines: string[] = [];
  let line = "  bttn-relay";
  for (const w of words) {
    if (line.length + 1 + w.length > WIDTH) {
      lines.push(line);
      line = "       ";
    }
    line += " " + w;
  }
  return lines.concat(line);
}

function commandLines(c: Command): string[] {
  const head = c.words === "run" ? wrap(["[run]", "[options]"]) : wrap([c.words, ...c.args, ...c.flags.map((f) => usageOf(c, f))]);
  const summary = c.summary.map((l) => " ".repeat(SUMMARY_COLUMN) + l);
  if (head.length === 1 && head[0].length < SUMMARY_COLUMN) return [pad(head[0], SUMMARY_COLUMN) + c.summary[0], ...summary.slice(1)];
  return [...head, ...summary];
}

/** One flag of run: its help lines, the environment variable at the end of the last one. */
function optionLines(name: FlagName): string[] {
  const f = flag(name);
  const lines = (f.help ?? []).map((l, i) => (i === 0 ? pad("  " + flagUsage(name), HELP_COLUMN) : " ".repeat(HELP_COLUMN)) + l);
  if (f.setting) lines[lines.length - 1] = pad(lines[lines.length - 1], ENV_COLUMN) + ENV[f.setting];
  return lines;
}

const run = COMMANDS.find((c) => c.words === "run")!;
/** Settings of run that other commands take too, such as --data. */
const shared = [...new Set(COMMANDS.filter((c) => c !== run).flatMap((c) => c.flags.filter((f) => flag(f).setting)))];
const list = (names: string[]) => (names.length < 2 ? names.join("") : names.slice(0, -1).join(", ") + " and " + names[names.length - 1]);

export const HELP = `bttn-relay: turns bttn presses (MQTT) into webhooks (HTTP) and answers the button's LED.

Usage:
${COMMANDS.flatMap(commandLines).join("\n")}
  bttn-relay --help | --version
  bttn-relay <command> --help         one command: what it does and what each of its flags means

Options of run (each also as an environment variable):
${run.flags.flatMap(optionLines).join("\n")}

${list(shared.map((f) => "--" + f))} mean the same for the other commands as for run,
environment variables included. A command refuses a flag it does not take.

HTTP connections must send their request headers within ${s(L.headersTimeoutMs)} and the whole request within ${s(L.requestTimeoutMs)};
idle keep-alive connections close after ${s(L.keepAliveTimeoutMs)}; at most ${L.maxConnections} are open at once. A TLS handshake
(mqtts or HTTPS) must finish within ${s(L.handshakeTimeoutMs)}.

REST API: http(s)://<host>:<http port>/api/v1 (description: /api/v1/openapi.json). At its first start
the relay makes an admin token and writes it into the log once, in a warn line marked
"ADMIN TOKEN": the only secret the relay ever logs. Keys are stored hashed.

The database in --data is the one source of truth for bttns. The config file is applied to it at
start-up: it owns the bttns it declares; bttns added with the CLI stay until removed.
Events: pressed, pressed-long, pressed-double, heartbeat, and not-pressed, which the relay makes
when a bttn with "notPressed": {"between": "07:00-10:00"} in the config is not pressed in that window.
`;

/** A command's flag in its own --help: the command's words for it if it has some, else the flag's. */
function commandFlagLines(c: Command, name: FlagName): string[] {
  const f = flag(name);
  const help = c.flagHelp?.[name] ?? f.help ?? [];
  const usage = "  " + flagUsage(name);
  // A usage too long for its column gets a line of its own.
  const head = usage.length < HELP_COLUMN ? [] : [usage];
  const lines = head.concat(help.map((l, i) => (i === 0 && !head.length ? pad(usage, HELP_COLUMN) : " ".repeat(HELP_COLUMN)) + l));
  if (f.setting) lines[lines.length - 1] = pad(lines[lines.length - 1], ENV_COLUMN) + ENV[f.setting];
  return lines;
}

/** `bttn-relay <command> --help`: its usage, what it does, and each flag it takes. */
export function commandHelp(c: Command): string {
  const usage = wrap([c.words, ...c.args, ...c.flags.map((f) => usageOf(c, f))]);
  const parts = [["Usage:", ...usage].join("\n"), c.summary.map((l) => "  " + l).join("\n")];
  if (c.details?.length) parts.push(c.details.map((l) => (l ? "  " + l : "")).join("\n"));
  if (c.flags.length) parts.push(["Flags:", ...c.flags.flatMap((f) => commandFlagLines(c, f))].join("\n"));
  parts.push("bttn-relay --help lists every command.");
  return parts.join("\n\n") + "\n";
}
