// The bttns in memory, for both engines. Every press reads its bttn's definition; reading it from
// the database each time would put a query on the press path, so a relay keeps a copy and
// reloads it when the database says something changed (another relay of the group, the CLI).
// Reloads are diffed: an unchanged bttn keeps its object, so what hangs off its actions (the
// engine's chain, a Digest nonce) lives on when another bttn changes.
import type { ConfigFile } from "../config/schema";
import type { Bttn, BttnChange, BttnInput, BttnOrigin, FileSync } from "./bttns";
import { hashSecret, SecretHash, verifySecret } from "./secrets";
import type { BttnRepo } from "./store";

/** A bttn as an engine writes it: the secret already hashed. */
export interface BttnWrite {
  id: string;
  origin: BttnOrigin;
  secret: SecretHash;
  props: Bttn["props"];
  actions: Bttn["actions"];
  device: Bttn["device"];
  now: number;
}

export abstract class BttnCache implements BttnRepo {
  private cache = new Map<string, Bttn>();
  private version: unknown = undefined;
  private listeners: Array<(changes: BttnChange[]) => void> = [];

  /** Every bttn, by id. */
  protected abstract loadAll(): Promise<Bttn[]>;
  /** Something that changes whenever any process commits a change to the bttns. */
  protected abstract currentVersion(): Promise<unknown>;
  protected abstract insert(b: BttnWrite): Promise<void>;
  /** False when there is no such bttn. */
  protected abstract replace(b: BttnWrite): Promise<boolean>;
  protected abstract delete(id: string): Promise<boolean>;

  /** Loads the copy; an engine calls it once before handing the store out. */
  async load(): Promise<void> {
    await this.reload();
  }

  onChange(listener: (changes: BttnChange[]) => void): void {
    this.listeners.push(listener);
  }

  private async reload(): Promise<void> {
    // The version is read first: a change committed while the rows are read shows at the next check.
    const version = await this.currentVersion();
    const rows = await this.loadAll();
    const before = this.cache;
    const next = new Map<string, Bttn>();
    const changed: BttnChange[] = [];
    for (const r of rows) {
      const old = before.get(r.id);
      if (!old) changed.push({ id: r.id, what: "added" });
      else if (old.secret.hash !== r.secret.hash) changed.push({ id: r.id, what: "secret" });
      else if (old.updatedAt !== r.updatedAt || old.origin !== r.origin) changed.push({ id: r.id, what: "definition" });
      else {
        next.set(r.id, old);
        continue;
      }
      next.set(r.id, r);
    }
    for (const id of before.keys()) if (!next.has(id)) changed.push({ id, what: "removed" });
    this.cache = next;
    this.version = version;
    if (changed.length && before.size + next.size > 0) for (const l of this.listeners) l(changed);
  }

  async refresh(): Promise<void> {
    if ((await this.currentVersion()) !== this.version) await this.reload();
  }

  watch(intervalMs: number, onError: (err: Error) => void): () => void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return; // a slow database: one check at a time
      busy = true;
      this.refresh()
        .catch((e: unknown) => onError(e as Error))
        .finally(() => (busy = false));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  get(id: string): Bttn | undefined {
    return this.cache.get(id);
  }

  list(): Bttn[] {
    return [...this.cache.values()];
  }

  async authenticate(id: string, secret: string): Promise<boolean> {
    let b = this.cache.get(id);
    if (!b || !verifySecret(secret, b.secret)) {
      await this.refresh();
      b = this.cache.get(id);
    }
    return !!b && verifySecret(secret, b.secret);
  }

  async create(id: string, origin: BttnOrigin, secret: string, input: BttnInput): Promise<Bttn> {
    await this.insert({ id, origin, secret: hashSecret(secret), props: input.props ?? {}, actions: input.actions ?? {}, device: input.device ?? {}, now: Date.now() });
    await this.reload();
    return this.cache.get(id)!;
  }

  async update(id: string, input: BttnInput & { origin?: BttnOrigin; secret?: string }): Promise<Bttn | undefined> {
    let cur = this.cache.get(id);
    if (!cur) {
      await this.refresh();
      cur = this.cache.get(id);
    }
    if (!cur) return undefined;
    const secret = input.secret !== undefined && !verifySecret(input.secret, cur.secret) ? hashSecret(input.secret) : cur.secret;
    const found = await this.replace({
      id,
      origin: input.origin ?? cur.origin,
      secret,
      props: input.props ?? cur.props,
      actions: input.actions ?? cur.actions,
      device: input.device ?? cur.device,
      // Always later than the last update: the diff on reload tells a change by its time.
      now: Math.max(Date.now(), cur.updatedAt + 1),
    });
    await this.reload();
    return found ? this.cache.get(id) : undefined;
  }

  async remove(id: string): Promise<boolean> {
    const n = await this.delete(id);
    await this.reload();
    return n;
  }

  /**
   * Makes the database match the config file: the file owns the bttns it declares (they become
   * origin 'file'); file-owned bttns no longer in the file are removed; bttns added with the CLI or
   * the API are left alone. Events and counters are history and are kept. Each step is idempotent,
   * so relays of a group started with the same file at once agree on the result.
   */
  async applyConfigFile(config: ConfigFile): Promise<FileSync> {
    const result: FileSync = { added: [], updated: [], removed: [] };
    await this.refresh();
    for (const id of Object.keys(config.bttns)) {
      const { secret, actions, device, ...props } = config.bttns[id];
      const cur = this.cache.get(id);
      if (!cur) {
        await this.create(id, "file", secret, { props, actions, device });
        result.added.push(id);
      } else if (
        cur.origin !== "file" ||
        !verifySecret(secret, cur.secret) ||
        JSON.stringify(cur.props) !== JSON.stringify(props) ||
        JSON.stringify(cur.actions) !== JSON.stringify(actions) ||
        JSON.stringify(cur.device) !== JSON.stringify(device)
      ) {
        await this.update(id, { origin: "file", secret, props, actions, device });
        result.updated.push(id);
      }
    }
    for (const b of [...this.cache.values()]) {
      if (b.origin === "file" && !(b.id in config.bttns)) {
        await this.remove(b.id);
        result.removed.push(b.id);
      }
    }
    return result;
  }
}
