// The connection pool every part of the PostgreSQL store shares, set up so that a press never
// waits long for a database that is away, and so that the pool recovers by itself when it is back.
import pg from "pg";
import type { Logger } from "../../log";
import { describeError } from "../trouble";

/**
 * A connection that cannot be made in this time is not worth waiting for: the press fails
 * `internal`. (A server that is down refuses at once; this bounds one that does not answer. A new
 * connection starts a server process and a SCRAM login: on a loaded machine that takes a while.)
 */
export const CONNECT_TIMEOUT_MS = 3000;
/** The server cancels a statement after this (a lock held too long, an overloaded server). */
export const STATEMENT_TIMEOUT_MS = 2000;
/** The client gives up on an answer after this (a server that went silent without closing the socket). */
export const QUERY_TIMEOUT_MS = 3000;

// Times, ids and counts are BIGINT: int8 comes back as a string by default (it may exceed 2^53);
// ours never do, and both engines must answer numbers. Per pool, not pg's global parser.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function openPool(url: string, opts: { relayId: string; poolSize?: number; log?: Logger }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // Kept open when idle: a burst after a quiet spell need not wait for new connections.
    min: Math.min(2, opts.poolSize ?? 10),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: "bttn-relay " + opts.relayId,
    types,
  });
  // An idle connection that the server closes (a restart) is reported here; without a listener
  // the process would die. The pool drops that connection and makes a new one when asked.
  pool.on("error", (err) => opts.log?.warn("a database connection was lost; a new one is made when needed", { error: describeError(err) }));
  return pool;
}

/**
 * A connection of the pool for several statements (a transaction). While it is checked out, the
 * pool does not listen for its errors: a connection the server drops between two statements would
 * throw an unhandled error and end the relay. So it is listened to here, and given back broken
 * (the pool then drops it) when anything went wrong.
 */
export async function withClient<T>(pool: pg.Pool, f: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const lost = (err: Error) => (broken = err);
  client.on("error", lost);
  try {
    return await f(client);
  } catch (err) {
    broken ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.off("error", lost);
    client.release(broken);
  }
}
