// Every flag of bttn-relay, declared once: how it is parsed, what --help calls its value, and, for
// the relay's settings, where it lands in RunSettings (its environment variable is ENV[setting]).
// Which commands take a flag is said by the command table (commands.ts), not here.
//
// Adding a setting of `run`: its key in ENV and RunSettings (options.ts), one entry here with
// `setting` and `help`, and its name in run's flag list in commands.ts. --help follows.
import { ENV } from "./options";

export interface Flag {
  /** The value's name in --help (`--data DIR`); a flag without one is a switch. */
  value?: string;
  /** May be given more than once; the command gets every value, in order. */
  multiple?: true;
  /** The relay setting the flag sets (options.ts), which also has an environment variable. */
  setting?: keyof typeof ENV;
  /** For the options section of --help: lines of at most 52 characters, wrapped by hand. */
  help?: string[];
}

export const FLAGS = {
  broker: { value: "URL", setting: "broker", help: ["use an external MQTT broker (mqtt://host:1883, mqtts://host:8883)", "instead of the embedded one"] },
  "broker-username": { value: "NAME", setting: "brokerUsername", help: ["user name at the external broker"] },
  "broker-password": { value: "PW", setting: "brokerPassword", help: ["password at the external broker"] },
  "broker-ca": { value: "FILE", setting: "brokerCa", help: ["CA certificate (PEM) that signed an mqtts:// broker's", "certificate, when it is not a public CA"] },
  "mqtt-port": { value: "N|off", setting: "mqttPort", help: ["embedded broker's plain MQTT port (default 1883);", "off: none, devices use mqtts only (needs --tls-cert)"] },
  "mqtts-port": { value: "N", setting: "mqttsPort", help: ["embedded broker's MQTT-over-TLS port, open when", "--tls-cert is given (default 8883)"] },
  "http-port": { value: "N", setting: "httpPort", help: ["port for /healthz and the API (default 8080); HTTPS", "when --tls-cert is given"] },
  "tls-cert": { value: "FILE", setting: "tlsCert", help: ["the relay's certificate (PEM, intermediates after it)", "for mqtts and HTTPS (or relay.tls in the config)"] },
  "tls-key": { value: "FILE", setting: "tlsKey", help: ["its private key (PEM, unencrypted)"] },
  host: { value: "ADDR", setting: "host", help: ["listen on this address only (default: all)"] },
  data: { value: "DIR", setting: "dataDir", help: ["where the SQLite database lives (default ./data)"] },
  config: { value: "FILE", setting: "configFile", help: ["config file, JSON or YAML (default: bttn-relay.json,", "bttn-relay.yaml or bttn-relay.yml in this directory)"] },
  "log-level": { value: "LEVEL", setting: "logLevel", help: ["silent, error, warn, info (default) or debug"] },
  "public-url": { value: "URL", setting: "publicUrl", help: ["where webhook servers reach this relay, for async", "callback URLs (default http://<LAN address>:<http port>,", "https:// with --tls-cert)"] },
  "metrics-open": { setting: "metricsOpen", help: ["serve GET /metrics without credentials (default: it", 'needs an admin token; or relay.metrics: "open")'] },
  "ha-discovery": { setting: "haDiscovery", help: ["publish Home Assistant MQTT discovery (or", "relay.haDiscovery; the embedded broker needs its", "password for Home Assistant's login, see README)"] },
  name: { value: "NAME" },
  "relay-host": { value: "HOST" },
  "new-secret": {},
  "wifi-ssid": { value: "SSID" },
  "wifi-password": { value: "PW" },
  url: { value: "URL" },
  method: { value: "GET|POST|PUT|DELETE|PATCH" },
  format: { value: "form|json" },
  arg: { value: "key=value", multiple: true },
  header: { value: "Name=value", multiple: true },
  "dynamic-origin": { value: "https://host:port", multiple: true },
  timeout: { value: "MS" },
  bttn: { value: "ID", multiple: true },
} satisfies Record<string, Flag>;

export type FlagName = keyof typeof FLAGS;

/** Taken by every command: they print and exit before anything else is read. */
export const GLOBAL_FLAGS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

export function flag(name: FlagName): Flag {
  return FLAGS[name];
}

/** `--name NAME`, as --help writes it. */
export function flagUsage(name: FlagName): string {
  const f = flag(name);
  return "--" + name + (f.value ? " " + f.value : "");
}
