// The command table of bttn-relay: each command says once which arguments and flags it takes and
// what it does. The parser (parse.ts) refuses a flag a command does not take, --help (help.ts) is
// written from this table, and main.ts runs the command found here.
import { loadConfigFile } from "../config/file";
import { installService, servicePaths, unreachable } from "../service/install";
import { systemdUnit } from "../service/unit";
import { guessLanAddress } from "../lan-address";
import { backupDb } from "../store/sqlite/backup";
import { readActionEdit } from "./action-edit";
import { removeAction, setAction, showAction, updateAction } from "./action-commands";
import { addBttn, listBttns, removeBttn, rotateSecret, showBttn } from "./bttn-commands";
import { storeAt } from "./cli-store";
import { deviceFileFor, deviceFileWarning, relayAddress } from "./device-files";
import { FlagName } from "./flags";
import { createAdminToken, createKey, keyLine, listKeys, revokeKey } from "./key-commands";
import { RunSettings, UsageError } from "./options";

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
  /** More for the command's own --help (`bttn-relay action set --help`): lines of at most 98 characters. */
  details?: string[];
  /** What a flag means for this command, when it is not what flags.ts says (lines of at most 52 characters). */
  flagHelp?: Partial<Record<FlagName, string[]>>;
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

/** --mqtt-port and --mqtts-port for a device file: the port it names, not one to listen on. */
const DEVICE_FILE_FLAG_HELP: Command["flagHelp"] = {
  "mqtt-port": ["the MQTT port in the device file (default: the one the", "relay recorded at its start, else 1883); off: the", "--mqtts-port"],
  "mqtts-port": ["with --mqtt-port off: the port in the device file", "(default 8883)"],
  config: ["the config file that declares the bttn (default:", "bttn-relay.json, .yaml or .yml here)"],
};

/** The flags of `action set` and `action update` that say what the action is (action-edit.ts). */
const ACTION_FLAGS: FlagName[] = ["method", "format", "arg", "body", "header", "timeout", "max-response-bytes", "follow-redirects", "auth", "username", "password-file", "ca", "insecure", "async", "callback-timeout", "no-idempotency-key", "dynamic-origin"];

const ACTION_DETAILS = [
  "Events: pressed, pressed-long, pressed-double, heartbeat, not-pressed. Tags such as <COUNTER>,",
  "<DATETIME>, <NAME> and <CALLBACKURL> are filled in at each press (see the README's tag table).",
  "A password is never taken from the command line (every user of the machine can see it there):",
  "with --auth it is asked for on the terminal, or read from --password-file FILE (its first line;",
  "- reads standard input). A running relay uses the change within a second. Bttns declared in the",
  "config file are changed in the file.",
];

/** The flags that set the relay's settings, in the order of `run`'s options in --help. */
const RUN_FLAGS: FlagName[] = ["broker", "broker-username", "broker-password", "broker-ca", "mqtt-port", "mqtts-port", "http-port", "tls-cert", "tls-key", "host", "data", "config", "log-level", "public-url", "metrics-open", "ha-discovery", "store", "share-group"];

export const COMMANDS: Command[] = [
  {
    words: "run",
    args: [],
    flags: RUN_FLAGS,
    summary: ["start the relay (the default command)"],
    // Loaded only here: the other commands start without the broker, the HTTP server and the rest.
    run: async (c) => (await import("./run")).runRelay(c.settings()),
  },
  {
    words: "bttn add",
    args: ["<id>"],
    flags: ["name", "relay-host", "mqtt-port", "mqtts-port", "wifi-ssid", "wifi-password", "data", "store"],
    summary: ["add a bttn; prints its secret and a device file for flash.sh"],
    flagHelp: DEVICE_FILE_FLAG_HELP,
    async run(c) {
      const relay = addressOf(c);
      const file = await addBttn(storeAt(c.settings()), c.args[0], { name: c.str("name"), relayHost: relay.host, mqttPort: relay.port, wifiSsid: c.str("wifi-ssid"), wifiPassword: c.str("wifi-password") });
      tell([`Added bttn ${file.id}. Its secret is in the device file below and is shown only now.`, ...relay.notes, deviceFileWarning(file), `Save it as ${file.id}.json and flash it: ./flash.sh --port /dev/ttyUSB0 --config ${file.id}.json`]);
      process.stdout.write(JSON.stringify(file, null, 2) + "\n");
      return 0;
    },
  },
  {
    words: "bttn device-file",
    args: ["<id>"],
    flags: ["relay-host", "mqtt-port", "mqtts-port", "wifi-ssid", "wifi-password", "new-secret", "data", "store", "config"],
    summary: ["print a device file for an existing bttn: one declared in", "the config file carries the file's secret; one added", "with the CLI or the API needs --new-secret"],
    flagHelp: DEVICE_FILE_FLAG_HELP,
    async run(c) {
      const relay = addressOf(c);
      const s = c.settings();
      const made = await deviceFileFor(storeAt(s), c.args[0], { relay, wifiSsid: c.str("wifi-ssid"), wifiPassword: c.str("wifi-password"), newSecret: c.flag("new-secret"), configFile: s.configFile });
      tell([...made.notes, ...relay.notes, deviceFileWarning(made.file)]);
      process.stdout.write(JSON.stringify(made.file, null, 2) + "\n");
      return 0;
    },
  },
  {
    words: "bttn list",
    args: [],
    flags: ["data", "store"],
    summary: ["list bttns"],
    async run(c) {
      for (const b of await listBttns(storeAt(c.settings()))) process.stdout.write(`${b.id}\t${b.origin}\t${b.name ?? ""}\t${b.actions.join(",") || "(no actions)"}\n`);
      return 0;
    },
  },
  {
    words: "bttn remove",
    args: ["<id>"],
    flags: ["data", "store"],
    summary: ["remove a bttn (its history is kept)"],
    async run(c) {
      await removeBttn(storeAt(c.settings()), c.args[0]);
      process.stderr.write("removed\n");
      return 0;
    },
  },
  {
    words: "bttn secret",
    args: ["<id>"],
    flags: ["data", "store"],
    summary: ["give a bttn a new secret (prints it)"],
    async run(c) {
      process.stdout.write((await rotateSecret(storeAt(c.settings()), c.args[0])) + "\n");
      return 0;
    },
  },
  {
    words: "bttn show",
    args: ["<id>"],
    flags: ["data", "store"],
    summary: ["show a bttn: properties, device settings, actions", "(secrets masked), device status and counters (JSON)"],
    async run(c) {
      process.stdout.write(JSON.stringify(await showBttn(storeAt(c.settings()), c.args[0]), null, 2) + "\n");
      return 0;
    },
  },
  {
    words: "action set",
    args: ["<id>", "<event>"],
    flags: ["url", ...ACTION_FLAGS, "data", "store"],
    required: ["url"],
    summary: ["set the HTTP action of a bttn added with the CLI for an", "event, replacing the whole action: what is not given", "gets its default (action update changes some fields)"],
    details: ACTION_DETAILS,
    async run(c) {
      if (c.str("url") === undefined) throw new UsageError("action set: --url is required (the whole action is replaced; action update changes some fields)");
      await setAction(storeAt(c.settings()), c.args[0], c.args[1], readActionEdit(c));
      process.stderr.write(`action set: ${c.args[0]} ${c.args[1]} (action show ${c.args[0]} ${c.args[1]} shows it; action test ${c.args[0]} ${c.args[1]} runs it once)\n`);
      return 0;
    },
  },
  {
    words: "action update",
    args: ["<id>", "<event>"],
    flags: ["url", ...ACTION_FLAGS, "remove-header", "remove-arg", "reset", "data", "store"],
    summary: ["change only the given fields of an action; headers and", "args given are added to (or replace) the stored ones"],
    details: ["--remove-header and --remove-arg take one away; --reset FIELD puts a field back to its", "default (or removes it: auth, ca). A password given before is kept while --auth and", "--username stay the same.", "", ...ACTION_DETAILS],
    async run(c) {
      await updateAction(storeAt(c.settings()), c.args[0], c.args[1], readActionEdit(c));
      process.stderr.write(`action updated: ${c.args[0]} ${c.args[1]}\n`);
      return 0;
    },
  },
  {
    words: "action remove",
    args: ["<id>", "<event>"],
    flags: ["data", "store"],
    summary: ["remove the action of a bttn for an event"],
    async run(c) {
      await removeAction(storeAt(c.settings()), c.args[0], c.args[1]);
      process.stderr.write(`action removed: ${c.args[0]} ${c.args[1]}\n`);
      return 0;
    },
  },
  {
    words: "action show",
    args: ["<id>", "<event>"],
    flags: ["data", "store"],
    summary: ["show an action with its defaults, secrets masked (JSON)"],
    async run(c) {
      process.stdout.write(JSON.stringify(await showAction(storeAt(c.settings()), c.args[0], c.args[1]), null, 2) + "\n");
      return 0;
    },
  },
  {
    words: "action test",
    args: ["<id>", "<event>"],
    flags: ["data", "store", "config", "public-url"],
    summary: ["run an action once as a virtual press; print the request", "sent and the answer (masked); exit 0 on ok, 1 on fail"],
    details: [
      "The action runs here, in this command, as the relay would run it (same request, tags, TLS,",
      "auth, redirects), for a press marked virtual. Nothing is recorded: the feed and the counters",
      "are unchanged (the tags show the counters the next press would have), and no device is told.",
      "For an async action only the first request is made: the callback is not waited for.",
      "Bodies are shown up to 1 KiB; passwords, secret headers and parameters, callback tokens masked.",
    ],
    flagHelp: { config: ["the config file, for relay.timeZone and relay.publicUrl", "(default: bttn-relay.json, .yaml or .yml here)"], "public-url": ["the relay's URL for <CALLBACKURL> (default: the config's", "publicUrl, else http://<LAN address>:<http port>)"] },
    async run(c) {
      const s = c.settings();
      const config = s.configFile ? loadConfigFile(s.configFile) : undefined;
      const publicUrl = s.publicUrl ?? config?.relay.publicUrl ?? `${s.tls ? "https" : "http"}://${guessLanAddress()}:${s.httpPort}`;
      const { testAction } = await import("./action-test"); // the engine, only for this command
      const r = await testAction(storeAt(s), c.args[0], c.args[1], { timeZone: config?.relay.timeZone, publicUrl });
      process.stdout.write(r.text);
      return r.ok ? 0 : 1;
    },
  },
  {
    words: "keys create",
    args: [],
    flags: ["name", "bttn", "data", "store"],
    required: ["name", "bttn"],
    flagHelp: { name: ["who the key is for (a name to know it by)"] },
    summary: ["make an API key for a webhook server acting for those", "bttns (dynamic webhooks, read API); prints it, only now"],
    async run(c) {
      const made = await createKey(storeAt(c.settings()), c.str("name"), c.list("bttn"));
      process.stderr.write(`Created API key ${made.key.id} (${made.key.name}) for ${made.key.bttns.join(", ")}. It is shown only now; the relay keeps its hash.\nA webhook server sends it as X-Api-Key.\n`);
      process.stdout.write(made.token + "\n");
      return 0;
    },
  },
  {
    words: "keys list",
    args: [],
    flags: ["data", "store"],
    summary: ["list API keys and admin tokens (never the keys themselves)"],
    async run(c) {
      for (const k of await listKeys(storeAt(c.settings()))) process.stdout.write(keyLine(k) + "\n");
      return 0;
    },
  },
  {
    words: "keys revoke",
    args: ["<key id>"],
    flags: ["data", "store"],
    summary: ["revoke a key or token for good; its webhooks stop counting"],
    async run(c) {
      await revokeKey(storeAt(c.settings()), c.args[0]);
      process.stderr.write("revoked\n");
      return 0;
    },
  },
  {
    words: "admin token",
    args: [],
    flags: ["name", "data", "store"],
    summary: ["make an admin token for the REST API; prints it, only now"],
    flagHelp: { name: ["a name to know the token by (default cli)"] },
    async run(c) {
      const made = await createAdminToken(storeAt(c.settings()), c.str("name"));
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
    details: [
      "SQLite's online backup: one consistent moment (what is still in the WAL included), while the",
      "relay goes on taking presses. FILE must not exist; it is made 0600, since it holds what the",
      "data directory holds (webhook credentials in clear). Run it as the relay's user or root.",
      "To restore: stop the relay, remove bttn.db-wal and bttn.db-shm, copy FILE over bttn.db, start.",
      "A group's PostgreSQL store (BTTN_STORE) is backed up with PostgreSQL's own pg_dump.",
    ],
    async run(c) {
      if (c.settings().store) throw new UsageError("backup copies the SQLite file in --data; BTTN_STORE names a PostgreSQL store, which pg_dump backs up (pg_dump --format=custom ...)");
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
    details: [
      "ExecStart names this node and this checkout's relay/bin/start.js (the bundle in relay/dist/).",
      "Settings go in /etc/bttn-relay.env (BTTN_HTTP_PORT=..., one a line). A warning says so when",
      "the service's user could not read this checkout (a home directory closed to others).",
    ],
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
    details: [
      "Creates the system user bttn-relay (no login) and /var/lib/bttn-relay (mode 700), writes",
      "/etc/systemd/system/bttn-relay.service and, if absent, /etc/bttn-relay.env (mode 600), and",
      "starts nothing: it ends with the systemctl command that does. Refuses when not root, without",
      "systemd, without the bundle (npm run build -w relay), or when the service's user could not",
      "read this checkout. Run again after an upgrade: it says whether the unit changed.",
    ],
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
