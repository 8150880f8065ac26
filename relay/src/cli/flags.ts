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
  /** For the options section of --help and a command's own --help: lines of at most 52 characters, wrapped by hand. */
  help?: string[];
  /** Taken by no command: why (the parser's answer when it is given). */
  refusal?: string;
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
  store: { value: "URL", setting: "store", help: ["keep state in PostgreSQL (postgres://user:pw@host/db),", "shared by a group of relays (default: SQLite in --data;", "README: Scaling out)"] },
  "share-group": { value: "NAME", setting: "shareGroup", help: ["with --broker and --store: take presses as a member", "of this shared-subscription group (each press goes", "to one relay of the group)"] },
  name: { value: "NAME", help: ["the bttn's name (the <NAME> tag)"] },
  "relay-host": { value: "HOST", help: ["the relay's address in the device file (default: the", "one the relay recorded at its start, else this", "machine's LAN address)"] },
  "new-secret": { help: ["give the bttn a new secret and put it in the file", "(the board holding the old one stops connecting)"] },
  "wifi-ssid": { value: "SSID", help: ["the Wi-Fi network the board joins"] },
  "wifi-password": { value: "PW", help: ["its password (it lands in the device file)"] },
  url: { value: "URL", help: ["http:// or https:// URL (tags allowed), or dynamic:", "the webhook a server registered for the bttn"] },
  method: { value: "GET|POST|PUT|DELETE|PATCH", help: ["HTTP method (default GET)"] },
  format: { value: "form|json", help: ["how args are sent (default form)"] },
  arg: { value: "key=value", multiple: true, help: ["an argument (tags allowed); GET and DELETE send", "them in the query string"] },
  body: { value: "TEMPLATE", help: ["a raw body template instead of --arg (tags allowed)"] },
  header: { value: "Name=value", multiple: true, help: ["a custom header (tags allowed)"] },
  "dynamic-origin": { value: "https://host:port", multiple: true, help: ["with --url dynamic: an origin a registered webhook", "may have when the action has auth or headers"] },
  timeout: { value: "MS", help: ["ms for the whole request (default 10000, 100-60000)"] },
  "max-response-bytes": { value: "N", help: ["read at most this much of the answer (default 65536)"] },
  "follow-redirects": { help: ["follow up to 5 redirects (never https to http;", "credentials stay with the action's origin)"] },
  auth: { value: "basic|digest", help: ["HTTP authentication; the password comes from a prompt", "or --password-file, never from the command line"] },
  username: { value: "NAME", help: ["the user name for --auth"] },
  "password-file": { value: "FILE", help: ["read the password from FILE (its first line; - reads", "standard input) instead of prompting"] },
  // Refused by every command (parse.ts says why): a password on the command line is seen by every
  // user of the machine (ps) and kept in the shell's history.
  password: { value: "PW", refusal: "a password on the command line is visible to every user of this machine and stays in the shell's history: use --password-file FILE (- for standard input), or leave it out to be asked" },
  ca: { value: "FILE", help: ["a CA certificate (PEM) to trust for this action; its", "text is stored with the action"] },
  insecure: { help: ["skip certificate validation for this action (still", "encrypted)"] },
  async: { help: ["wait for the server to call <CALLBACKURL> with the", "result"] },
  "callback-timeout": { value: "MS", help: ["how long to wait for that callback (default 60000)"] },
  "no-idempotency-key": { help: ["do not send Idempotency-Key (the press's identity)"] },
  "remove-header": { value: "NAME", multiple: true, help: ["remove this header from the action"] },
  "remove-arg": { value: "KEY", multiple: true, help: ["remove this argument from the action"] },
  reset: { value: "FIELD", multiple: true, help: ["put a field back to its default (or remove it):", "method, format, args, headers, timeout,", "max-response-bytes, follow-redirects, auth, ca,", "insecure, async, callback-timeout, idempotency-key,", "dynamic-origins"] },
  bttn: { value: "ID", multiple: true, help: ["a bttn the key acts for"] },
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
