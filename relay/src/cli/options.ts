// Settings of `bttn-relay run`: flags, else environment variables, else defaults.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { HTTP_URL_MESSAGE, isHttpUrl } from "../config/http-url";
import { LOG_LEVELS, LogLevel } from "../log";
import { isStoreUrl, STORE_URL_RULE } from "../store/store-url";

export interface RunSettings {
  broker?: string;
  brokerUsername?: string;
  brokerPassword?: string;
  /** PEM file of the CA of an mqtts:// broker's certificate. */
  brokerCa?: string;
  /** "off": no plain MQTT listener (mqtts only). */
  mqttPort: number | "off";
  mqttsPort: number;
  httpPort: number;
  /** The relay's certificate and key files (both or neither). */
  tls?: { cert: string; key: string };
  host?: string;
  dataDir: string;
  configFile?: string;
  logLevel: LogLevel;
  publicUrl?: string;
  /** GET /metrics without credentials. */
  metricsOpen: boolean;
  /** Home Assistant MQTT discovery. */
  haDiscovery: boolean;
  /** A postgres:// URL: the store a group of relays shares (default: SQLite in the data directory). */
  store?: string;
  /** With --broker: the shared-subscription group of the relays that share the presses. */
  shareGroup?: string;
}

export const CONFIG_FILE_NAMES = ["bttn-relay.json", "bttn-relay.yaml", "bttn-relay.yml"];

export const ENV = {
  broker: "BTTN_BROKER",
  brokerUsername: "BTTN_BROKER_USERNAME",
  brokerPassword: "BTTN_BROKER_PASSWORD",
  brokerCa: "BTTN_BROKER_CA",
  mqttPort: "BTTN_MQTT_PORT",
  mqttsPort: "BTTN_MQTTS_PORT",
  tlsCert: "BTTN_TLS_CERT",
  tlsKey: "BTTN_TLS_KEY",
  httpPort: "BTTN_HTTP_PORT",
  host: "BTTN_HOST",
  dataDir: "BTTN_DATA",
  configFile: "BTTN_CONFIG",
  logLevel: "BTTN_LOG_LEVEL",
  publicUrl: "BTTN_PUBLIC_URL",
  metricsOpen: "BTTN_METRICS_OPEN",
  haDiscovery: "BTTN_HA_DISCOVERY",
  store: "BTTN_STORE",
  shareGroup: "BTTN_SHARE_GROUP",
} as const;

export class UsageError extends Error {}

function port(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(name + ": must be a port number (0-65535)" + (name === "--mqtt-port" ? ' or "off"' : "") + ", got " + JSON.stringify(v));
  return n;
}

/** A switch: given as a flag ("true"), or an environment variable 1/true/yes or 0/false/no (empty: off). */
function switchOn(v: string | undefined, name: string): boolean {
  if (v === undefined || v === "") return false;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new UsageError(name + ": must be 1, true, yes or on (or 0, false, no, off), got " + JSON.stringify(v));
}

export function resolveSettings(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv, cwd: string): RunSettings {
  const pick = (k: keyof typeof ENV) => flags[k] ?? env[ENV[k]];
  const logLevel = (pick("logLevel") ?? "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError("--log-level: must be one of " + LOG_LEVELS.join(", "));
  const broker = pick("broker");
  if (broker !== undefined && !/^(mqtts?|wss?|tcp|ssl):\/\//.test(broker)) throw new UsageError("--broker: must be a URL such as mqtt://host:1883 or mqtts://host:8883");
  const brokerCa = pick("brokerCa") || undefined;
  if (brokerCa && broker === undefined) throw new UsageError("--broker-ca: only with --broker (the CA of an external broker's certificate)");
  const publicUrl = pick("publicUrl");
  if (publicUrl !== undefined && !isHttpUrl(publicUrl)) throw new UsageError("--public-url: " + HTTP_URL_MESSAGE);
  const tlsCert = pick("tlsCert") || undefined;
  const tlsKey = pick("tlsKey") || undefined;
  if (!tlsCert !== !tlsKey) throw new UsageError(tlsCert ? "--tls-cert needs --tls-key (the certificate's private key)" : "--tls-key needs --tls-cert");
  const store = pick("store") || undefined;
  if (store !== undefined && !isStoreUrl(store)) throw new UsageError("--store: " + STORE_URL_RULE);
  const shareGroup = pick("shareGroup") || undefined;
  if (shareGroup !== undefined && broker === undefined) throw new UsageError("--share-group: only with --broker (relays share presses through an external broker's shared subscriptions)");
  if (shareGroup !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(shareGroup)) throw new UsageError("--share-group: 1-64 letters, digits, - or _");
  if (shareGroup !== undefined && store === undefined) throw new UsageError("--share-group: needs --store postgres://... (the relays of a group must share one store, or each would count and fire only what it sees)");
  let configFile = pick("configFile");
  if (configFile === undefined) configFile = CONFIG_FILE_NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p));
  return {
    broker,
    brokerUsername: pick("brokerUsername"),
    brokerPassword: pick("brokerPassword"),
    brokerCa: brokerCa ? resolve(cwd, brokerCa) : undefined,
    mqttPort: pick("mqttPort") === "off" ? "off" : port(pick("mqttPort"), "--mqtt-port", 1883),
    mqttsPort: port(pick("mqttsPort"), "--mqtts-port", 8883),
    httpPort: port(pick("httpPort"), "--http-port", 8080),
    host: pick("host"),
    dataDir: resolve(cwd, pick("dataDir") ?? "data"),
    configFile: configFile ? resolve(cwd, configFile) : undefined,
    logLevel,
    publicUrl,
    metricsOpen: switchOn(pick("metricsOpen"), ENV.metricsOpen),
    haDiscovery: switchOn(pick("haDiscovery"), ENV.haDiscovery),
    tls: tlsCert && tlsKey ? { cert: resolve(cwd, tlsCert), key: resolve(cwd, tlsKey) } : undefined,
    store,
    shareGroup,
  };
}
