// Rows as both engines read them. The SQLite and PostgreSQL schemas name their columns alike and
// keep JSON as text and times as ms, so one mapping from a row to what the relay works with
// serves both.
import type { BttnOrigin, Bttn } from "./bttns";
import type { FeedEntry } from "./events";
import type { Hook } from "./hooks";
import type { KeyKind, StoredKey } from "./keys";
import type { CallbackRow } from "./store";

export interface BttnRow {
  id: string;
  origin: BttnOrigin;
  secret_salt: string;
  secret_hash: string;
  props: string;
  actions: string;
  device: string;
  created_at: number;
  updated_at: number;
}

export function bttnFromRow(r: BttnRow): Bttn {
  return {
    id: r.id,
    origin: r.origin,
    secret: { salt: r.secret_salt, hash: r.secret_hash },
    props: JSON.parse(r.props),
    actions: JSON.parse(r.actions),
    device: JSON.parse(r.device),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface KeyRow {
  id: string;
  name: string;
  kind: KeyKind;
  salt: string;
  hash: string;
  bttns: string;
  created_at: number;
  revoked_at: number | null;
}

export function keyFromRow(r: KeyRow): StoredKey {
  return { id: r.id, name: r.name, kind: r.kind, bttns: JSON.parse(r.bttns), createdAt: r.created_at, revokedAt: r.revoked_at, secret: { salt: r.salt, hash: r.hash } };
}

export interface HookRow {
  id: string;
  key_id: string;
  bttn: string;
  url: string;
  created_at: number;
}

export const hookFromRow = (r: HookRow): Hook => ({ id: r.id, keyId: r.key_id, bttn: r.bttn, url: r.url, createdAt: r.created_at });

export interface CallbackDbRow {
  token_hash: string;
  event_id: number;
  bttn: string;
  boot: string;
  seq: number;
  deadline: number;
  waits: number;
}

export const callbackFromRow = (r: CallbackDbRow): CallbackRow => ({
  tokenHash: r.token_hash,
  eventId: r.event_id,
  bttn: r.bttn,
  boot: r.boot,
  seq: r.seq,
  deadline: r.deadline,
  waits: r.waits,
});

/** One run of a feed entry as a row gives it (its start in ms). */
export type RunRow = Omit<FeedEntry["runs"][number], "startedAt"> & { startedAt: number };

/** A feed entry as a row gives it: times in ms, columns in snake_case; each engine gathers the runs. */
export interface FeedRow extends Omit<FeedEntry, "receivedAt" | "pressedAt" | "runs"> {
  received_at: number;
  pressed_at: number;
}

export function feedEntryFromRow(r: FeedRow, runs: RunRow[]): FeedEntry {
  return {
    id: r.id,
    type: r.type,
    boot: r.boot,
    seq: r.seq,
    age: r.age,
    bat: r.bat,
    rssi: r.rssi,
    receivedAt: new Date(r.received_at).toISOString(),
    pressedAt: new Date(r.pressed_at).toISOString(),
    counter: r.counter,
    state: r.state,
    reason: r.reason,
    code: r.code,
    runs: runs.map((x) => ({ ...x, startedAt: new Date(x.startedAt).toISOString() })),
  };
}
