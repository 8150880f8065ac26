// bttn-relay's command line. `run` (the default) starts the relay; the other commands edit the
// database that a running relay watches.
import "./gc-tuning"; // first: V8 flags must be set before the relay allocates
import { parseArgs } from "node:util";
import { ConfigError, loadConfigFile } from "../config/file";
import { createLogger } from "../log";
import { startRelay } from "../relay";
import { addBttn, listBttns, removeBttn, rotateSecret, setAction } from "./bttn-commands";
import { HELP } from "./help";
import { createAdminToken, createKey, keyLine, listKeys, revokeKey } from "./key-commands";
import { resolveSettings, UsageError } from "./options";

const VERSION = "0.1.0";

const FLAGS = {
  broker: { type: "string" },
  "broker-username": { type: "string" },
  "broker-password": { type: "string" },
  "broker-ca": { type: "string" },
  "mqtt-port": { type: "string" },
  "mqtts-port": { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "http-port": { type: "string" },
  host: { type: "string" },
  data: { type: "string" },
  config: { type: "string" },
  "log-level": { type: "string" },
  "public-url": { type: "string" },
  name: { type: "string" },
  "relay-host": { type: "string" },
  "wifi-ssid": { type: "string" },
  "wifi-password": { type: "string" },
  url: { type: "string" },
  method: { type: "string" },
  format: { type: "string" },
  arg: { type: "string", multiple: true },
  header: { type: "string", multiple: true },
  "dynamic-origin": { type: "string", multiple: true },
  timeout: { type: "string" },
  bttn: { type: "string", multiple: true },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

async function main(argv: string[]): Promise<number> {
  const { values: v, positionals: pos } = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (v.version) {
    process.stdout.write(VERSION + "\n");
    return 0;
  }
  const s = resolveSettings(
    {
      broker: v.broker,
      brokerUsername: v["broker-username"],
      brokerPassword: v["broker-password"],
      brokerCa: v["broker-ca"],
      mqttPort: v["mqtt-port"],
      mqttsPort: v["mqtts-port"],
      tlsCert: v["tls-cert"],
      tlsKey: v["tls-key"],
      httpPort: v["http-port"],
      host: v.host,
      dataDir: v.data,
      configFile: v.config,
      logLevel: v["log-level"],
      publicUrl: v["public-url"],
    },
    process.env,
    process.cwd(),
  );
  const [cmd = "run", sub, ...rest] = pos;
  const need = (x: string | undefined, what: string) => {
    if (!x) throw new UsageError("missing " + what + " (see --help)");
    return x;
  };

  if (cmd === "run") return run(s);
  if (cmd === "bttn" && sub === "add") {
    const file = addBttn(s.dataDir, need(rest[0], "<id>"), { name: v.name, relayHost: v["relay-host"], mqttPort: s.mqttPort === "off" ? s.mqttsPort : s.mqttPort, wifiSsid: v["wifi-ssid"], wifiPassword: v["wifi-password"] });
    process.stderr.write(`Added bttn ${file.id}. Its secret is in the device file below and is shown only now.\nSave it as ${file.id}.json and flash it: ./flash.sh --port /dev/ttyUSB0 --config ${file.id}.json\n`);
    process.stdout.write(JSON.stringify(file, null, 2) + "\n");
    return 0;
  }
  if (cmd === "bttn" && sub === "list") {
    for (const b of listBttns(s.dataDir)) process.stdout.write(`${b.id}\t${b.origin}\t${b.name ?? ""}\t${b.actions.join(",") || "(no actions)"}\n`);
    return 0;
  }
  if (cmd === "bttn" && sub === "remove") {
    removeBttn(s.dataDir, need(rest[0], "<id>"));
    process.stderr.write("removed\n");
    return 0;
  }
  if (cmd === "bttn" && sub === "secret") {
    process.stdout.write(rotateSecret(s.dataDir, need(rest[0], "<id>")) + "\n");
    return 0;
  }
  if (cmd === "action" && sub === "set") {
    setAction(s.dataDir, need(rest[0], "<id>"), need(rest[1], "<event>"), { url: v.url, method: v.method, format: v.format, arg: v.arg ?? [], header: v.header ?? [], timeout: v.timeout, dynamicOrigin: v["dynamic-origin"] ?? [] });
    process.stderr.write("action set\n");
    return 0;
  }
  if (cmd === "keys" && sub === "create") {
    const made = createKey(s.dataDir, v.name, v.bttn ?? []);
    process.stderr.write(`Created API key ${made.key.id} (${made.key.name}) for ${made.key.bttns.join(", ")}. It is shown only now; the relay keeps its hash.\nA webhook server sends it as X-Api-Key.\n`);
    process.stdout.write(made.token + "\n");
    return 0;
  }
  if (cmd === "keys" && sub === "list") {
    for (const k of listKeys(s.dataDir)) process.stdout.write(keyLine(k) + "\n");
    return 0;
  }
  if (cmd === "keys" && sub === "revoke") {
    revokeKey(s.dataDir, need(rest[0], "<key id>"));
    process.stderr.write("revoked\n");
    return 0;
  }
  if (cmd === "admin" && sub === "token") {
    const made = createAdminToken(s.dataDir, v.name);
    process.stderr.write(`Created admin token ${made.key.id}. It is shown only now; the relay keeps its hash.\nSend it as Authorization: Bearer <token> (or X-Api-Key).\n`);
    process.stdout.write(made.token + "\n");
    return 0;
  }
  if (cmd === "config" && sub === "check") {
    const file = rest[0] ?? s.configFile;
    const cfg = loadConfigFile(need(file, "a config file"));
    process.stdout.write(`${file}: valid, ${Object.keys(cfg.bttns).length} bttn(s)\n`);
    return 0;
  }
  throw new UsageError("unknown command: " + pos.join(" ") + " (see --help)");
}

async function run(s: ReturnType<typeof resolveSettings>): Promise<number> {
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
