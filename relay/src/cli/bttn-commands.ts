// `bttn-relay bttn ...` and `action set`: edit bttns in the database directly. A running relay picks
// the change up within a second (it watches the database), so a new bttn can connect at once.
import { guessLanAddress } from "../lan-address";
import { checkBttnId, DeviceFile, makeDeviceFile } from "@bttn/shared";
import { httpActionSchema, formatIssues, actionsSchema, ACTION_TYPES_TEXT } from "../config/schema";
import { BttnStore } from "../store/bttns";
import { openDb } from "../store/db";
import { newSecret } from "../store/secrets";
import { UsageError } from "./options";


function withStore<T>(dataDir: string, f: (s: BttnStore) => T): T {
  const db = openDb(dataDir);
  try {
    return f(new BttnStore(db));
  } finally {
    db.close();
  }
}

export interface AddOptions {
  name?: string;
  relayHost?: string;
  mqttPort: number;
  wifiSsid?: string;
  wifiPassword?: string;
}


/** Adds a bttn; returns the device file for flash.sh (it holds the only copy of the secret). */
export function addBttn(dataDir: string, id: string, o: AddOptions): DeviceFile {
  const e = checkBttnId(id);
  if (e) throw new UsageError("bttn id " + JSON.stringify(id) + ": " + e);
  const secret = newSecret();
  // Made first: a bad --relay-host must not leave behind a bttn whose secret nobody saw.
  const made = makeDeviceFile(id, secret, { relayHost: o.relayHost ?? guessLanAddress(), mqttPort: o.mqttPort || 1883, wifiSsid: o.wifiSsid, wifiPassword: o.wifiPassword });
  if (!made.ok) throw new UsageError(made.error);
  const file = made.value;
  withStore(dataDir, (s) => {
    if (s.get(id)) throw new UsageError("a bttn " + JSON.stringify(id) + " exists already (bttn secret " + id + " gives it a new secret)");
    s.create(id, "cli", secret, { props: o.name ? { name: o.name } : {} });
  });
  return file;
}

export function listBttns(dataDir: string): Array<{ id: string; origin: string; name?: string; actions: string[] }> {
  return withStore(dataDir, (s) => s.list().map((b) => ({ id: b.id, origin: b.origin, name: b.props.name, actions: Object.keys(b.actions) })));
}

export function removeBttn(dataDir: string, id: string): void {
  withStore(dataDir, (s) => {
    const b = s.get(id);
    if (!b) throw new UsageError("no bttn " + JSON.stringify(id));
    if (b.origin === "file") throw new UsageError("bttn " + id + " is declared in the config file: remove it there");
    s.remove(id);
  });
}

export function rotateSecret(dataDir: string, id: string): string {
  const secret = newSecret();
  withStore(dataDir, (s) => {
    const b = s.get(id);
    if (!b) throw new UsageError("no bttn " + JSON.stringify(id));
    if (b.origin === "file") throw new UsageError("bttn " + id + " is declared in the config file: change its secret there");
    s.update(id, { secret });
  });
  return secret;
}

function pairs(list: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list) {
    const i = p.indexOf("=");
    if (i <= 0) throw new UsageError(flag + ": expected name=value, got " + JSON.stringify(p));
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

export interface ActionFlags {
  url?: string;
  method?: string;
  format?: string;
  arg: string[];
  header: string[];
  timeout?: string;
  /** With --url dynamic: where its headers may go (engine/dynamic-origins.ts). */
  dynamicOrigin?: string[];
}

export function setAction(dataDir: string, id: string, eventType: string, f: ActionFlags): void {
  const raw: Record<string, unknown> = { url: f.url, method: f.method?.toUpperCase(), format: f.format, headers: pairs(f.header, "--header") };
  if (f.arg.length) raw.args = pairs(f.arg, "--arg");
  if (f.timeout !== undefined) raw.timeout = Number(f.timeout);
  if (f.dynamicOrigin?.length) raw.dynamicOrigins = f.dynamicOrigin;
  const action = httpActionSchema.safeParse(raw);
  if (!action.success) throw new UsageError(formatIssues(action.error));
  withStore(dataDir, (s) => {
    const b = s.get(id);
    if (!b) throw new UsageError("no bttn " + JSON.stringify(id));
    if (b.origin === "file") throw new UsageError("bttn " + id + " is declared in the config file: set its actions there");
    const actions = actionsSchema.safeParse({ ...b.actions, [eventType]: { http: action.data } });
    if (!actions.success) throw new UsageError("event type " + JSON.stringify(eventType) + ": must be one of " + ACTION_TYPES_TEXT);
    s.update(id, { actions: actions.data });
  });
}
