// The bttns: the one source of truth for ids, secrets, properties and actions. The config file,
// the CLI and the REST API all write here; the broker and the engine read through the in-memory
// copy. Reads never touch the database: the running relay calls `watch`, which checks on a timer
// whether another process (the CLI) committed, so a change shows (and old sessions go) within a
// second even when no device sends anything.
import type { Db } from "./db";
import { dataVersion } from "./db";
import { hashSecret, SecretHash, verifySecret } from "./secrets";
import type { Actions, BttnProps, ConfigFile, DeviceSettings } from "../config/schema";

export type BttnOrigin = "file" | "cli" | "api";

export interface Bttn {
  id: string;
  origin: BttnOrigin;
  secret: SecretHash;
  props: BttnProps;
  actions: Actions;
  device: DeviceSettings;
  createdAt: number;
  updatedAt: number;
}

export interface BttnInput {
  props?: BttnProps;
  actions?: Actions;
  device?: DeviceSettings;
}

interface Row {
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

function fromRow(r: Row): Bttn {
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

export interface BttnChange {
  id: string;
  what: "added" | "secret" | "definition" | "removed";
}

export interface FileSync {
  added: string[];
  updated: string[];
  removed: string[];
}

export class BttnStore {
  private cache = new Map<string, Bttn>();
  private version = -1;
  private listeners: Array<(changes: BttnChange[]) => void> = [];
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      all: db.prepare<[], Row>("SELECT * FROM bttns ORDER BY id"),
      one: db.prepare<[string], Row>("SELECT * FROM bttns WHERE id = ?"),
      insert: db.prepare(
        "INSERT INTO bttns (id, origin, secret_salt, secret_hash, props, actions, device, created_at, updated_at) VALUES (@id, @origin, @salt, @hash, @props, @actions, @device, @now, @now)",
      ),
      update: db.prepare(
        "UPDATE bttns SET origin = @origin, secret_salt = @salt, secret_hash = @hash, props = @props, actions = @actions, device = @device, updated_at = @now WHERE id = @id",
      ),
      remove: db.prepare<[string]>("DELETE FROM bttns WHERE id = ?"),
    };
    this.reload();
  }

  /** Called with the bttns whose definition changed, by this process or another one. */
  onChange(listener: (changes: BttnChange[]) => void): void {
    this.listeners.push(listener);
  }

  private reload(): void {
    const before = this.cache;
    const next = new Map<string, Bttn>();
    const changed: BttnChange[] = [];
    for (const r of this.q.all.all()) {
      const old = before.get(r.id);
      if (!old) changed.push({ id: r.id, what: "added" });
      else if (old.secret.hash !== r.secret_hash) changed.push({ id: r.id, what: "secret" });
      else if (old.updatedAt !== r.updated_at || old.origin !== r.origin) changed.push({ id: r.id, what: "definition" });
      else {
        // Unchanged: the same object, so what hangs off its actions (the engine's chain, a
        // Digest nonce) lives on when another bttn changes.
        next.set(r.id, old);
        continue;
      }
      next.set(r.id, fromRow(r));
    }
    for (const id of before.keys()) if (!next.has(id)) changed.push({ id, what: "removed" });
    this.cache = next;
    this.version = dataVersion(this.db);
    if (changed.length && before.size + next.size > 0) for (const l of this.listeners) l(changed);
  }

  /** Reloads if anything committed to the database since the last load (another process, the CLI). */
  refresh(): void {
    if (dataVersion(this.db) !== this.version) this.reload();
  }

  /**
   * Checks for other processes' changes every `intervalMs` (the running relay; a CLI command reads
   * once). A failed check (the database locked too long) goes to `onError` and is tried again at
   * the next tick. Returns the function that stops it.
   */
  watch(intervalMs: number, onError: (err: Error) => void): () => void {
    const timer = setInterval(() => {
      try {
        this.refresh();
      } catch (e) {
        onError(e as Error);
      }
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Pure: the copy in memory, as of the last load. */
  get(id: string): Bttn | undefined {
    return this.cache.get(id);
  }

  list(): Bttn[] {
    return [...this.cache.values()];
  }

  /** Checks a device's MQTT password; re-reads the database on a miss so a bttn just added by the CLI can connect. */
  authenticate(id: string, secret: string): boolean {
    let b = this.cache.get(id);
    if (!b || !verifySecret(secret, b.secret)) {
      this.refresh();
      b = this.cache.get(id);
    }
    return !!b && verifySecret(secret, b.secret);
  }

  create(id: string, origin: BttnOrigin, secret: string, input: BttnInput): Bttn {
    this.q.insert.run({
      id,
      origin,
      ...hashSecret(secret),
      props: JSON.stringify(input.props ?? {}),
      actions: JSON.stringify(input.actions ?? {}),
      device: JSON.stringify(input.device ?? {}),
      now: Date.now(),
    });
    this.reload();
    return this.cache.get(id)!;
  }

  /** Replaces the given parts of a bttn's definition; a new secret if `secret` is given. */
  update(id: string, input: BttnInput & { origin?: BttnOrigin; secret?: string }): Bttn | undefined {
    const cur = this.cache.get(id) ?? (this.refresh(), this.cache.get(id));
    if (!cur) return undefined;
    const sh = input.secret !== undefined && !verifySecret(input.secret, cur.secret) ? hashSecret(input.secret) : cur.secret;
    this.q.update.run({
      id,
      origin: input.origin ?? cur.origin,
      salt: sh.salt,
      hash: sh.hash,
      props: JSON.stringify(input.props ?? cur.props),
      actions: JSON.stringify(input.actions ?? cur.actions),
      device: JSON.stringify(input.device ?? cur.device),
      now: Math.max(Date.now(), cur.updatedAt + 1),
    });
    this.reload();
    return this.cache.get(id);
  }

  remove(id: string): boolean {
    const n = this.q.remove.run(id).changes;
    this.reload();
    return n > 0;
  }

  /**
   * Makes the database match the config file: the file owns the bttns it declares (they become
   * origin 'file'); file-owned bttns no longer in the file are removed; bttns added with the CLI or
   * the API are left alone. Events and counters are history and are kept.
   */
  applyConfigFile(config: ConfigFile): FileSync {
    const result: FileSync = { added: [], updated: [], removed: [] };
    this.db.transaction(() => {
      this.refresh();
      for (const id of Object.keys(config.bttns)) {
        const e = config.bttns[id];
        const { secret, actions, device, ...props } = e;
        const cur = this.cache.get(id);
        if (!cur) {
          this.create(id, "file", secret, { props, actions, device });
          result.added.push(id);
        } else if (
          cur.origin !== "file" ||
          !verifySecret(secret, cur.secret) ||
          JSON.stringify(cur.props) !== JSON.stringify(props) ||
          JSON.stringify(cur.actions) !== JSON.stringify(actions) ||
          JSON.stringify(cur.device) !== JSON.stringify(device)
        ) {
          this.update(id, { origin: "file", secret, props, actions, device });
          result.updated.push(id);
        }
      }
      for (const b of [...this.cache.values()]) {
        if (b.origin === "file" && !(b.id in config.bttns)) {
          this.remove(b.id);
          result.removed.push(b.id);
        }
      }
    })();
    return result;
  }
}
