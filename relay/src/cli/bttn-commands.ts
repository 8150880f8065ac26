// `bttn-relay bttn ...`: edit bttns in the database directly. A running relay picks
// the change up within a second (it watches the database), so a new bttn can connect at once.
import { guessLanAddress } from "../lan-address";
import { checkBttnId, DeviceFile, makeDeviceFile } from "@bttn/shared";
import { bttnInfoView } from "../api/present";
import { newSecret } from "../store/secrets";
import { StoreAt, withStore } from "./cli-store";
import { UsageError } from "./options";

export interface AddOptions {
  name?: string;
  relayHost?: string;
  mqttPort: number;
  wifiSsid?: string;
  wifiPassword?: string;
}


/** Adds a bttn; returns the device file for flash.sh (it holds the only copy of the secret). */
export async function addBttn(at: StoreAt, id: string, o: AddOptions): Promise<DeviceFile> {
  const e = checkBttnId(id);
  if (e) throw new UsageError("bttn id " + JSON.stringify(id) + ": " + e);
  const secret = newSecret();
  // Made first: a bad --relay-host must not leave behind a bttn whose secret nobody saw.
  const made = makeDeviceFile(id, secret, { relayHost: o.relayHost ?? guessLanAddress(), mqttPort: o.mqttPort || 1883, wifiSsid: o.wifiSsid, wifiPassword: o.wifiPassword });
  if (!made.ok) throw new UsageError(made.error);
  const file = made.value;
  await withStore(at, async ({ bttns: s }) => {
    if (s.get(id)) throw new UsageError("a bttn " + JSON.stringify(id) + " exists already (bttn secret " + id + " gives it a new secret)");
    await s.create(id, "cli", secret, { props: o.name ? { name: o.name } : {} });
  });
  return file;
}

export function listBttns(at: StoreAt): Promise<Array<{ id: string; origin: string; name?: string; actions: string[] }>> {
  return withStore(at, ({ bttns: s }) => s.list().map((b) => ({ id: b.id, origin: b.origin, name: b.props.name, actions: Object.keys(b.actions) })));
}

export async function removeBttn(at: StoreAt, id: string): Promise<void> {
  await withStore(at, async ({ bttns: s }) => {
    const b = s.get(id);
    if (!b) throw new UsageError("no bttn " + JSON.stringify(id));
    if (b.origin === "file") throw new UsageError("bttn " + id + " is declared in the config file: remove it there");
    await s.remove(id);
  });
}

export async function rotateSecret(at: StoreAt, id: string): Promise<string> {
  const secret = newSecret();
  await withStore(at, async ({ bttns: s }) => {
    const b = s.get(id);
    if (!b) throw new UsageError("no bttn " + JSON.stringify(id));
    if (b.origin === "file") throw new UsageError("bttn " + id + " is declared in the config file: change its secret there");
    await s.update(id, { secret });
  });
  return secret;
}

/** A bttn as an admin sees it through the API (secrets masked), with its device's status and its counters. */
export function showBttn(at: StoreAt, id: string): Promise<Record<string, unknown>> {
  return withStore(at, async (store) => {
    const b = store.bttns.get(id);
    if (!b) throw new UsageError("no bttn " + JSON.stringify(id) + " (bttn list shows them)");
    return { ...bttnInfoView(b, true), status: await store.status.get(id), counters: await store.events.getCounters(id) };
  });
}
