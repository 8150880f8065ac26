// Which PostgreSQL errors mean "the database cannot take writes now" (the server is away,
// restarting, out of connections or space, too slow), as opposed to one statement's own fault (a
// constraint, bad data). The first kind is waited out and retried; the second is not retried.

/** SQLSTATE classes and codes of a database in trouble. */
const TROUBLE_STATES = /^(08|53|57P0[1-3]|57014|58|40001|40P01|25006|55P03|XX)/;

export function isPgTrouble(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  // A SQLSTATE is five characters; anything else with a code is the socket's (ECONNREFUSED, ...).
  if (typeof code === "string") return code.length !== 5 || TROUBLE_STATES.test(code);
  // node-pg's own errors carry no code: a connect timeout, a connection ended mid-query, a closed pool.
  return err instanceof Error && /timeout|terminated|Connection|ended|not queryable|closed/i.test(err.message);
}
