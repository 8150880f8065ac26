// The store: everything a relay keeps, behind one interface with two engines.
// - SQLite (store/sqlite/): one relay, one file in its data directory. The default.
// - PostgreSQL (store/postgres/): one database shared by a group of relays (scaling out). Every
//   relay of the group may take any press, finish any async callback and serve any API call, so
//   whatever two relays must agree on lives here and nowhere else.
//
// Methods that touch the database return promises. Three kinds of call:
// - reads and writes someone waits for (`accept`, `create`, `claim...`): resolve once committed;
// - writes nobody waits for (`finish`, `recordRun`, `heard`): queued, committed soon, in order,
//   retried while the database is away (a lost one costs a line of history, never a second firing);
// - bttns, read on every press, come from a copy in memory (`BttnCache`), kept fresh by `watch`.
// A store's reads (`feed`, `get`, `status.get`, a repeated `accept`, `pressedBetween`) see the
// writes that same store queued before them; another relay's queued writes show once committed.
//
// Exactly-once is the database's job, not the relays': a press is recorded once by the UNIQUE
// (bttn, boot, seq) constraint, and each thing that must happen once across the group (conclude a
// waiting press, fire a callback's deadline, fire a not-pressed window, close a dead relay's
// presses) is a `claim`: one statement that changes a row only if nobody did before, and tells
// the one caller that changed it to go ahead.
import type { Reason } from "@bttn/shared";
import type { ApiKey, KeyKind, Verified } from "./keys";
import type { Hook } from "./hooks";
import type { Accepted, Counters, EventState, FeedEntry, FeedEvent, FeedQuery, RunRecord } from "./events";
import type { DeviceStatus } from "./status";
import type { Bttn, BttnChange, BttnInput, BttnOrigin, FileSync } from "./bttns";
import type { ConfigFile } from "../config/schema";
import type { StoreHealth } from "./health";

export type StoreKind = "sqlite" | "postgres";

export interface Store {
  readonly kind: StoreKind;
  /** Where it is, for the log: a file, or a database URL without its password. */
  readonly where: string;
  /** This relay's name in the group (events it takes are marked with it; see `relays`). */
  readonly relayId: string;
  readonly bttns: BttnRepo;
  readonly events: EventRepo;
  readonly status: StatusRepo;
  readonly keys: KeyRepo;
  readonly hooks: HookRepo;
  readonly callbacks: CallbackRepo;
  readonly notPressed: NotPressedRepo;
  readonly relays: RelayRepo;
  /** A group's relays telling each other what is not kept (the live view); absent for one relay alone. */
  readonly broadcast?: Broadcast;
  /** Can it commit now, and what waits (for /healthz and the metrics). */
  health(): StoreHealth;
  /** `listener(ms, writes)` after each transaction of batched writes that committed (metrics). */
  onCommitted?(listener: (ms: number, writes: number) => void): void;
  /** Commits what is queued (one last try), then lets go of the database. */
  close(): Promise<void>;
}

/** The bttns, read from memory; writes go to the database and then to the copy. */
export interface BttnRepo {
  get(id: string): Bttn | undefined;
  list(): Bttn[];
  /** Checks a device's MQTT password; reloads once on a miss (a bttn just added elsewhere). */
  authenticate(id: string, secret: string): Promise<boolean>;
  create(id: string, origin: BttnOrigin, secret: string, input: BttnInput): Promise<Bttn>;
  /** Replaces the given parts of a definition; a new secret if `secret` is given. */
  update(id: string, input: BttnInput & { origin?: BttnOrigin; secret?: string }): Promise<Bttn | undefined>;
  remove(id: string): Promise<boolean>;
  /**
   * The config file owns the bttns it declares (bttn-cache.ts). Separate idempotent steps, so relays
   * of a group started with the same file agree on the result.
   */
  applyConfigFile(config: ConfigFile): Promise<FileSync>;
  /** Called with the bttns whose definition changed, by this relay or another process. */
  onChange(listener: (changes: BttnChange[]) => void): void;
  /** Reloads now if anything changed elsewhere. */
  refresh(): Promise<void>;
  /** Checks for changes elsewhere every `intervalMs`; returns the function that stops it. */
  watch(intervalMs: number, onError: (err: Error) => void): () => void;
}

export interface EventRepo {
  /**
   * Records an event once (marked as taken by this relay). A fresh event is counted and starts in
   * state 'running'; a repeat returns how the first one went. Rejects (StoreUnavailableError) when
   * the database cannot commit: the caller answers `fail internal` and does not fire.
   */
  accept(bttn: string, ev: FeedEvent, receivedAt: number): Promise<Accepted>;
  getCounters(bttn: string): Promise<Counters>;
  markWaiting(eventId: number): void;
  /** Ends a press. Only a 'running' or 'waiting' event changes: an event already ended stays as it ended. */
  finish(eventId: number, state: "ok" | "fail", reason: Reason | null, code: number | null): void;
  /**
   * `finish` as a claim, committed before it resolves: true for the one caller that ended the press
   * (it tells the bttn), false when it had ended already (another relay of the group closed it).
   */
  claimEnd(eventId: number, state: "ok" | "fail", reason: Reason | null, code: number | null): Promise<boolean>;
  recordRun(r: RunRecord): void;
  get(eventId: number): Promise<EventSummary | undefined>;
  /** Presses this relay left 'running' when it stopped last (not re-fired): closed as `fail internal`. */
  closeInterrupted(): Promise<number>;
  /**
   * Presses left 'running' by relays of the group that stopped answering (`RelayRepo.dead`):
   * closed as `fail internal`, each by one caller only, which tells their devices.
   */
  claimOrphans(relayIds: string[]): Promise<EventSummary[]>;
  feed(bttn: string, query: FeedQuery): Promise<FeedEntry[]>;
}

export interface EventSummary {
  id: number;
  bttn: string;
  boot: string;
  seq: number;
  type: string;
  state: EventState;
  reason: Reason | null;
  code: number | null;
  received_at: number;
}

export interface StatusRepo {
  setOnline(bttn: string, online: boolean, fw: string | undefined, at: number): void;
  heard(bttn: string, bat: number | undefined, rssi: number | undefined, at: number): void;
  get(bttn: string): Promise<DeviceStatus>;
}

export interface KeyRepo {
  create(input: { name: string; kind: KeyKind; bttns?: string[] }): Promise<{ key: ApiKey; token: string }>;
  get(id: string): Promise<ApiKey | undefined>;
  list(): Promise<ApiKey[]>;
  revoke(id: string): Promise<boolean>;
  hasAdmin(): Promise<boolean>;
  verify(offered: string): Promise<Verified>;
}

export interface HookRepo {
  register(h: { bttn: string; url: string; keyId: string }): Promise<{ hook: Hook; fresh: boolean } | { full: true }>;
  list(keyId?: string): Promise<Hook[]>;
  remove(id: string, by: { id: string; kind: string }): Promise<boolean>;
  removeForBttn(bttn: string): Promise<number>;
  urlFor(bttnId: string): Promise<string | undefined>;
}

export interface CallbackRow {
  tokenHash: string;
  eventId: number;
  bttn: string;
  boot: string;
  seq: number;
  /** ms since the epoch */
  deadline: number;
  waits: number;
}

export interface CallbackRepo {
  /** Resolves once the row is committed: the callback URL must not go out before it is durable. */
  insert(r: CallbackRow): Promise<void>;
  /** Queued (nobody waits for it to commit): resolves once queued. */
  extend(tokenHash: string, deadline: number, waits: number): Promise<void>;
  /** Takes the row away: the one caller that gets it decides the press. */
  claim(tokenHash: string): Promise<CallbackRow | undefined>;
  /** Takes every row whose deadline is at or before `now` (each goes to one caller of the group). */
  claimExpired(now: number): Promise<CallbackRow[]>;
  /** Looks without taking. */
  find(tokenHash: string): Promise<CallbackRow | undefined>;
  /** The wait of one press, if it still waits (another relay of the group may have fired it). */
  findByEvent(eventId: number): Promise<CallbackRow | undefined>;
  all(): Promise<CallbackRow[]>;
}

export interface NotPressedRepo {
  /** The end of the last window checked for this bttn, by any relay; undefined if none was yet. */
  checkedUntil(bttn: string): Promise<number | undefined>;
  /**
   * Moves the bttn's checked mark to `end` if it was before it; true for the one caller that moved
   * it (it checks the window), false when another relay did already.
   */
  claimWindow(bttn: string, end: number): Promise<boolean>;
  /** Whether a press of this bttn was made in [start, end). */
  pressedBetween(bttn: string, start: number, end: number): Promise<boolean>;
}

/** Messages between the relays of a group, not kept: a relay not listening at the time misses them. */
export interface Broadcast {
  send(channel: string, payload: string): void;
  /** Returns what stops listening. */
  listen(channel: string, on: (payload: string) => void): () => void;
}

/** The relays of a group, each seen alive recently or not. One relay alone is a group of one. */
export interface RelayRepo {
  /** Says this relay is alive (every few seconds). */
  beat(now: number): Promise<void>;
  /** Relays not heard from since `before` (ms since the epoch), this one excluded. */
  dead(before: number): Promise<string[]>;
  /** Forgets a relay whose presses were all closed. */
  forget(relayId: string): Promise<void>;
}
