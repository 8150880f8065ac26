// What `--store` may name: a PostgreSQL database (SQLite needs none: it lives in the data
// directory). One check for the CLI's settings and for startRelay's callers.
export const STORE_URL_RULE = "must be a postgres://user:password@host:5432/database URL (SQLite needs no --store: it lives in the data directory)";

export function isStoreUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === "postgres:" || u.protocol === "postgresql:") && u.host !== "";
  } catch {
    return false;
  }
}
