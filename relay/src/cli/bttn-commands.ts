// `bttn-relay bttn ...`: edit bttns in the database directly. A running relay picks
// the change up within a second (it watches the database), so a new bttn can connect at once.
import { guessLanAddress } from "../lan-address";
import { checkBttnId, DeviceFile, makeDeviceFile } from "@bttn/shared";
import { bttnInfoView } from "../api/present";
import { EventStore } from "../store/events";
import { GroupCommit } from "../store/group-commit";
import { StatusStore } from "../store/status";
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

/** A bttn as an admin sees it through the API (secrets masked), with its device's status and its counters. */
export function showBttn(dataDir: string, id: string): Record<string, unknown> {
  const db = openDb(dataDir);
  const commit = new GroupCommit(db);
  try {
    const b = new BttnStore(db).get(id);
    if (!b) throw new UsageError("no bttn " + JSON.stringify(id) + " (bttn list shows them)");
    return { ...bttnInfoView(b, true), status: new StatusStore(db, commit).get(id), counters: new EventStore(db, commit).getCounters(id) };
  } finally {
    commit.close();
    db.close();
  }
}
