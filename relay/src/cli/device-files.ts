// Device files made by the CLI (`bttn add`, `bttn device-file`): which relay address and MQTT port
// they name, and the secret they carry. The address comes from the flags, else from what the
// running relay recorded at its start (bus/device-address-file.ts), else a guess; a loopback one is
// warned about, since no board can reach it.
import { DeviceFile, loopbackWarning, makeDeviceFile } from "@bttn/shared";
import { readDeviceAddress } from "../bus/device-address-file";
import { loadConfigFile } from "../config/file";
import { guessLanAddress } from "../lan-address";
import { newSecret, verifySecret } from "../store/secrets";
import { StoreAt, withStore } from "./cli-store";
import { UsageError } from "./options";

/** Where a device file sends its bttn, and what the user should know about it (lines for stderr). */
export interface RelayAddress {
  host: string;
  port: number;
  notes: string[];
}

export interface AddressFlags {
  /** --relay-host */
  relayHost?: string;
  /** --mqtt-port (or --mqtts-port with --mqtt-port off), when given. */
  port?: number;
  /** The port when neither a flag nor the relay's record says one (the relay's default). */
  defaultPort: number;
}

/** The address a device file names: the flags, else the running relay's record, else a guess. */
export function relayAddress(dataDir: string, f: AddressFlags): RelayAddress {
  const rec = readDeviceAddress(dataDir);
  const host = f.relayHost ?? rec?.host ?? guessLanAddress();
  const port = f.port ?? rec?.port ?? f.defaultPort;
  const hostWhy = f.relayHost !== undefined ? "--relay-host" : rec?.host ? "the address the relay listens on" : rec ? "this machine's LAN address" : "this machine's LAN address as guessed";
  const portWhy = f.port !== undefined ? "--mqtt-port" : rec ? `the MQTT port the relay started at ${rec.startedAt} serves devices on` : "the port of the relay's settings (BTTN_MQTT_PORT, else 1883)";
  const notes = [`${rec ? "" : `No relay has started on ${dataDir} yet. `}The device file names the relay at ${host}:${port}: ${hostWhy} and ${portWhy} (--relay-host and --mqtt-port change them).`];
  if (rec && f.port !== undefined && f.port !== rec.port) notes.push(`warning: the relay started at ${rec.startedAt} serves devices on port ${rec.port}, not ${f.port}.`);
  return { host, port, notes };
}

/** The warning for a device file a board could not use, with what to do ("" when it is fine). */
export function deviceFileWarning(file: DeviceFile): string {
  const w = loopbackWarning(file);
  return w ? "warning: " + w + ". Give the relay's LAN address or name with --relay-host." : "";
}

export interface DeviceFileOptions {
  relay: { host: string; port: number };
  wifiSsid?: string;
  wifiPassword?: string;
  /** For a bttn made with the CLI or the API: give it a new secret (the only way to have one to print). */
  newSecret?: boolean;
  /** The config file, for a bttn it declares (the secret is there). */
  configFile?: string;
}

/**
 * A device file for an existing bttn. A bttn declared in the config file carries the file's secret
 * (whether or not the relay applied it yet); one made with the CLI or the API has only a hash, so
 * it gets a new secret, with `newSecret` only: the board holding the old one stops connecting.
 */
export function deviceFileFor(at: StoreAt, id: string, o: DeviceFileOptions): Promise<{ file: DeviceFile; notes: string[] }> {
  const make = (secret: string): DeviceFile => {
    const made = makeDeviceFile(id, secret, { relayHost: o.relay.host, mqttPort: o.relay.port, wifiSsid: o.wifiSsid, wifiPassword: o.wifiPassword });
    if (!made.ok) throw new UsageError(made.error);
    return made.value;
  };
  const declared = o.configFile ? loadConfigFile(o.configFile).bttns[id] : undefined;
  return withStore(at, async ({ bttns: store }) => {
    const b = store.get(id);
    if (declared) {
      if (o.newSecret) throw new UsageError(`bttn ${id} is declared in ${o.configFile}: change its secret there (and restart the relay)`);
      const notes: string[] = [];
      if (!b) notes.push(`bttn ${id} is declared in ${o.configFile} but not in the database yet: the relay adds it at its next start.`);
      else if (!verifySecret(declared.secret, b.secret)) notes.push(`warning: the relay has not applied the secret in ${o.configFile} yet: restart it, or this bttn is refused.`);
      return { file: make(declared.secret), notes };
    }
    if (!b) throw new UsageError("no bttn " + JSON.stringify(id) + (o.configFile ? " (in the database or in " + o.configFile + ")" : ""));
    if (b.origin === "file") throw new UsageError(`bttn ${id} is declared in the config file, which holds its secret: give the file with --config FILE`);
    if (!o.newSecret)
      throw new UsageError(`bttn ${id} was made with the ${b.origin === "cli" ? "CLI" : "API"}: its secret is stored hashed and was shown only then. With --new-secret it gets a new one (the board holding the old one stops connecting) and the device file carries it`);
    const secret = newSecret();
    const file = make(secret); // first: a bad address must not leave a new secret nobody saw
    await store.update(id, { secret });
    return { file, notes: [`bttn ${id} has a new secret, in the device file below only; the old one no longer connects.`] };
  });
}
