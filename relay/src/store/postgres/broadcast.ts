// What the relays of a group tell each other without keeping it (the console's live view of every
// relay's presses): PostgreSQL's NOTIFY, on the database they share anyway. Sending goes through
// the pool; listening needs a connection of its own, made while someone listens and made again
// (after a pause) when the server drops it.
import pg from "pg";
import type { Logger } from "../../log";
import type { Broadcast } from "../store";
import { describeError } from "../trouble";

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
export const MAX_PAYLOAD = 7900;
const RETRY_MS = 1000;

export class PgBroadcast implements Broadcast {
  private client: pg.Client | undefined;
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    private readonly relayId: string,
    private readonly log?: Logger,
  ) {}

  send(channel: string, payload: string): void {
    if (this.closed || Buffer.byteLength(payload) > MAX_PAYLOAD) return;
    this.pool.query("SELECT pg_notify($1, $2)", [channel, payload]).catch(() => undefined); // a live view may miss a moment
  }

  listen(channel: string, on: (payload: string) => void): () => void {
    let set = this.channels.get(channel);
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
      if (this.client) this.client.query("LISTEN " + pg.escapeIdentifier(channel)).catch(() => undefined);
    }
    set.add(on);
    if (!this.client && !this.retry) this.connect();
    return () => {
      set.delete(on);
      if (set.size) return;
      this.channels.delete(channel);
      this.client?.query("UNLISTEN " + pg.escapeIdentifier(channel)).catch(() => undefined);
      if (!this.channels.size) this.disconnect();
    };
  }

  private connect(): void {
    this.retry = undefined;
    if (this.closed || !this.channels.size) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 2000, application_name: "bttn-relay " + this.relayId + " live" });
    this.client = client;
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      if (err) this.log?.debug("the live view's database connection was lost; making another", { error: describeError(err) });
      if (!this.closed && this.channels.size) this.retry = setTimeout(() => this.connect(), RETRY_MS);
    };
    client.on("error", lost);
    client.on("end", () => lost());
    client.on("notification", (m) => {
      for (const on of this.channels.get(m.channel) ?? []) on(m.payload ?? "");
    });
    client
      .connect()
      .then(async () => {
        for (const channel of this.channels.keys()) await client.query("LISTEN " + pg.escapeIdentifier(channel));
      })
      .catch(lost);
  }

  private disconnect(): void {
    clearTimeout(this.retry);
    this.retry = undefined;
    const c = this.client;
    this.client = undefined;
    c?.end().catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    this.channels.clear();
    this.disconnect();
  }
}
