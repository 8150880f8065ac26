// The PostgreSQL store: one database shared by the relays of a group (scaling out). Opening it
// brings the schema up to date (one relay at a time: schema.ts) and loads the bttns' copy.
import pg from "pg";
import type { Logger } from "../../log";
import type { StoreHealth } from "../health";
import type { Store } from "../store";
import { PgBttns } from "./bttns";
import { PgBroadcast } from "./broadcast";
import { PgCallbacks } from "./callbacks";
import { PgEvents } from "./events";
import { PgHooks } from "./hooks";
import { PgKeys } from "./keys";
import { PgNotPressed } from "./not-pressed";
import { redactUrl } from "../../redact";
import { openPool } from "./pool";
import { PgRelays } from "./relays";
import { migrate } from "./schema";
import { PgStatus } from "./status";
import { WriteQueue } from "./write-queue";

export async function openPostgresStore(url: string, opts: { relayId: string; log?: Logger; poolSize?: number }): Promise<Store> {
  const where = redactUrl(url); // for the log: no password, no secret-looking parameter
  const pool = openPool(url, opts);
  try {
    // Its own connection, without the pool's query timeout: a migration, or the wait for another
    // relay's, may take longer than a press may.
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000, application_name: "bttn-relay " + opts.relayId + " migrate" });
    client.on("error", () => undefined); // a dropped connection fails the migration's query instead of the process
    await client.connect();
    try {
      const m = await migrate(client);
      if (m.from !== m.to) opts.log?.warn(m.from === 0 ? "created the relay's tables in the database" : "upgraded the database's schema", { where, from: m.from, to: m.to });
    } finally {
      await client.end().catch(() => undefined);
    }
    const bttns = new PgBttns(pool);
    await bttns.load();
    const queue = new WriteQueue(pool, opts.log);
    const broadcast = new PgBroadcast(pool, url, opts.relayId, opts.log);
    return {
      kind: "postgres",
      where,
      relayId: opts.relayId,
      bttns,
      events: new PgEvents(pool, queue, opts.relayId),
      status: new PgStatus(pool, queue),
      keys: new PgKeys(pool),
      hooks: new PgHooks(pool),
      callbacks: new PgCallbacks(pool, queue),
      notPressed: new PgNotPressed(pool, queue),
      relays: new PgRelays(pool, opts.relayId),
      broadcast,
      health: (): StoreHealth => queue.health(),
      close: async () => {
        broadcast.close();
        await queue.close();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}
