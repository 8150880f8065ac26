// The command table of bttn-relay: each command says once which arguments and flags it takes and
// what it does. The parser (parse.ts) refuses a flag a command does not take, --help (help.ts) is
// written from this table, and main.ts runs the command found here.
import { loadConfigFile } from "../config/file";
import { installService, servicePaths, unreachable } from "../service/install";
import { systemdUnit } from "../service/unit";
import { backupDb } from "../store/backup";
import { addBttn, listBttns, removeBttn, rotateSecret, setAction } from "./bttn-commands";
import { deviceFileFor, deviceFileWarning, relayAddress } from "./device-files";
import { FlagName } from "./flags";
import { createAdminToken, createKey, keyLine, listKeys, revokeKey } from "./key-commands";
import { RunSettings, UsageError } from "./options";
import { runRelay } from "./run";

/** What a command is given: its arguments, its flags' values and the relay's settings. */
export interface Invocation {
  /** The positional arguments after the command's words; a missing required one is refused before. */
  args: string[];
  /** The value of a flag the command takes (the last one, if given more than once). */
  str(name: FlagName): string | undefined;
  /** Whether a switch (a flag without a value) was given. */
  flag(name: FlagName): boolean;
  /** Every value of a flag that may be repeated. */
  list(name: FlagName): string[];
  /** Flags, else environment variables, else defaults (options.ts). */
  settings(): RunSettings;
}

export interface Command {
  /** How it is typed after bttn-relay: "bttn add". */
  words: string;
  /** Positional arguments as --help writes them: "<id>" is required, "[FILE]" optional. */
  args: string[];
  /** The flags it takes, in the order --help lists them. */
  flags: FlagName[];
  /** Flags --help shows without brackets; the command itself refuses their absence. */
  required?: FlagName[];
  /** What it does, for --help: lines of at most 62 characters. */
  summary: string[];
  run(c: Invocation): Promise<number> | number;
}

/** Lines for the user on stderr (stdout carries what a script keeps); empty ones are left out. */
function tell(lines: string[]): void {
  for (const l of lines) if (l) process.stderr.write(l + "\n");
}

/** The relay address of a device file: --relay-host and --mqtt-port (--mqtts-port with off), else the relay's record. */
function addressOf(c: Invocation) {
  const s = c.settings();
  const port = s.mqttPort === "off" ? s.mqttsPort : s.mqttPort;
  return relayAddress(s.dataDir, { relayHost: c.str("relay-host"), port: c.str("mqtt-port") !== undefined ? port : undefined, defaultPort: port });
}

/** The flags that set the relay's settings, in the order of `run`'s options in --help. */
const RUN_FLAGS: FlagName[] = ["broker", "broker-username", "broker-password", "broker-ca", "mqtt-port", "mqtts-port", "http-port", "tls-cert", "tls-key", "host", "data", "config", "log-level", "public-url", "metrics-open", "ha-discovery"];

export const COMMANDS: Command[] = [
  {
    words: "run",
    args: [],
    flags: RUN_FLAGS,
    summary: ["start the relay (the default command)"],
    run: (c) => runRelay(c.settings()),
  },
  {
    words: "bttn add",
    args: ["<id>"],
    flags: ["name", "relay-host", "mqtt-port", "mqtts-port", "wifi-ssid", "wifi-password", "data"],
    summary: ["add a bttn; prints its secret and a device file for flash.sh"],
    run(c) {
      const relay = addressOf(c);
      const file = addBttn(c.settings().dataDir, c.args[0], { name: c.str("name"), relayHost: relay.host, mqttPort: relay.port, wifiSsid: c.str("wifi-ssid"), wifiPassword: c.str("wifi-password") });
      tell([`Added bttn ${file.id}. Its secret is in the device file below and is shown only now.`, ...relay.notes, deviceFileWarning(file), `Save it as ${file.id}.json and flash it: ./flash.sh --port /dev/ttyUSB0 --config ${file.id}.json`]);
      process.stdout.write(JSON.stringify(file, null, 2) + "\n");
      return 0;
    },
  },
  {
    words: "bttn device-file",
    args: ["<id>"],
    flags: ["relay-host", "mqtt-port", "mqtts-port", "wifi-ssid", "wifi-password", "new-secret", "data", "config"],
    summary: ["print a device file for an existing bttn: one declared in", "the config file carries the file's secret; one added", "with the CLI or the API needs --new-secret"],
    run(c) {
      const relay = addressOf(c);
      const s = c.settings();
      const made = deviceFileFor(s.dataDir, c.args[0], { relay, wifiSsid: c.str("wifi-ssid"), wifiPassword: c.str("wifi-password"), newSecret: c.flag("new-secret"), configFile: s.configFile });
      tell([...made.notes, ...relay.notes, deviceFileWarning(made.file)]);
      process.stdout.write(JSON.stringify(made.file, null, 2) + "\n");
      return 0;
    },
  },
  {
    words: "bttn list",
    args: [],
    flags: ["data"],
    summary: ["list bttns"],
    run(c) {
      for (const b of listBttns(c.settings().dataDir)) process.stdout.write(`${b.id}\t${b.origin}\t${b.name ?? ""}\t${b.actions.join(",") || "(no actions)"}\n`);
      return 0;
    },
  },
  {
    words: "bttn remove",
    args: ["<id>"],
    flags: ["data"],
    summary: ["remove a bttn (its history is kept)"],
    run(c) {
      removeBttn(c.settings().dataDir, c.args[0]);
      process.stderr.write("removed\n");
      return 0;
    },
  },
  {
    words: "bttn secret",
    args: ["<id>"],
    flags: ["data"],
    summary: ["give a bttn a new secret (prints it)"],
    run(c) {
      process.stdout.write(rotateSecret(c.settings().dataDir, c.args[0]) + "\n");
      return 0;
    },
  },
  {
    words: "action set",
    args: ["<id>", "<event>"],
    flags: ["url", "method", "format", "arg", "header", "timeout", "dynamic-origin", "data"],
    required: ["url"],
    summary: ["set the HTTP action of a bttn added with the CLI; with", "--url dynamic and headers, the origins a registered", "webhook may have (its headers go nowhere else)"],
    run(c) {
      setAction(c.settings().dataDir, c.args[0], c.args[1], { url: c.str("url"), method: c.str("method"), format: c.str("format"), arg: c.list("arg"), header: c.list("header"), timeout: c.str("timeout"), dynamicOrigin: c.list("dynamic-origin") });
      process.stderr.write("action set\n");
      return 0;
    },
  },
  {
    words: "keys create",
    args: [],
    flags: ["name", "bttn", "data"],
    required: ["name", "bttn"],
    summary: ["make an API key for a webhook server acting for those", "bttns (dynamic webhooks, read API); prints it, only now"],
    run(c) {
      const made = createKey(c.settings().dataDir, c.str("name"), c.list("bttn"));
      process.stderr.write(`Created API key ${made.key.id} (${made.key.name}) for ${made.key.bttns.join(", ")}. It is shown only now; the relay keeps its hash.\nA webhook server sends it as X-Api-Key.\n`);
      process.stdout.write(made.token + "\n");
      return 0;
    },
  },
  {
    words: "keys list",
    args: [],
    flags: ["data"],
    summary: ["list API keys and admin tokens (never the keys themselves)"],
    run(c) {
      for (const k of listKeys(c.settings().dataDir)) process.stdout.write(keyLine(k) + "\n");
      return 0;
    },
  },
  {
    words: "keys revoke",
    args: ["<key id>"],
    flags: ["data"],
    summary: ["revoke a key or token for good; its webhooks stop counting"],
    run(c) {
      revokeKey(c.settings().dataDir, c.args[0]);
      process.stderr.write("revoked\n");
      return 0;
    },
  },
  {
    words: "admin token",
    args: [],
    flags: ["name", "data"],
    summary: ["make an admin token for the REST API; prints it, only now"],
    run(c) {
      const made = createAdminToken(c.settings().dataDir, c.str("name"));
      process.stderr.write(`Created admin token ${made.key.id}. It is shown only now; the relay keeps its hash.\nSend it as Authorization: Bearer <token> (or X-Api-Key).\n`);
      process.stdout.write(made.token + "\n");
      return 0;
    },
  },
  {
    words: "backup",
    args: ["<FILE>"],
    flags: ["data"],
    summary: ["copy the database to FILE (a new file), consistently,", "also while the relay runs; README: how to restore"],
    async run(c) {
      const made = await backupDb(c.settings().dataDir, c.args[0]);
      process.stderr.write(`backed up to ${made.file} (${made.bytes} bytes, schema version ${made.schemaVersion}); it holds secrets, keep it private\n`);
      return 0;
    },
  },
  {
    words: "service unit",
    args: [],
    flags: [],
    summary: ["print a systemd unit that runs this relay as a service", "(user bttn-relay, data in /var/lib/bttn-relay, hardened)"],
    run() {
      const paths = servicePaths();
      for (const problem of unreachable(paths)) process.stderr.write("warning: " + problem + "\n");
      process.stdout.write(systemdUnit(paths));
      return 0;
    },
  },
  {
    words: "service install",
    args: [],
    flags: [],
    summary: ["as root: create the user bttn-relay and /var/lib/bttn-relay,", "write the unit to /etc/systemd/system, say how to start it"],
    run() {
      installService({ ...servicePaths(), say: (line) => process.stdout.write(line + "\n") });
      return 0;
    },
  },
  {
    words: "config check",
    args: ["[FILE]"],
    flags: ["config"],
    summary: ["validate a config file and exit (FILE, else --config,", "else the default config file)"],
    run(c) {
      const file = c.args[0] ?? c.settings().configFile;
      if (!file) throw new UsageError("missing a config file (see --help)");
      const cfg = loadConfigFile(file);
      process.stdout.write(`${file}: valid, ${Object.keys(cfg.bttns).length} bttn(s)\n`);
      return 0;
    },
  },
];
