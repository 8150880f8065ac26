// The PostgreSQL schema: one entry per version, applied in order, never edited once released.
// It mirrors the SQLite schema (sqlite/migrations.ts, as its last version leaves it) so that the two
// engines give the same answers, with what a group of relays sharing one database needs on top:
// which relay took an event (`events.taken_by`), which relays are alive (`relays`), and a counter
// that tells a relay's copy of the bttns that another relay changed them (`bttns_version`).
//
// Choices that keep the answers identical to SQLite's:
// - times are BIGINT ms since the epoch (the pool parses int8 into numbers: see pool.ts);
// - JSON columns (props, actions, device, api_keys.bttns) are TEXT, not JSONB: JSONB reorders an
//   object's keys, and applyConfigFile compares definitions by their JSON text, so every start
//   would see every bttn as changed;
// - hooks get an insertion-order column (`ord`), the tie-breaker SQLite's rowid gives.
import pg from "pg";

/** Any fixed number: the key of the advisory lock that makes one relay migrate at a time. */
const MIGRATION_LOCK = 0x6274746e; // "bttn"

export const PG_MIGRATIONS: string[] = [
  `
  CREATE TABLE bttns (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,                 -- who owns the definition: 'file', 'cli' or 'api'
    secret_salt TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    props TEXT NOT NULL DEFAULT '{}',     -- JSON text (see above: not JSONB)
    actions TEXT NOT NULL DEFAULT '{}',
    device TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
  );
  -- Bumped by every statement that writes bttns: a relay compares it with the one it loaded.
  CREATE TABLE bttns_version (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    version BIGINT NOT NULL
  );
  INSERT INTO bttns_version (one, version) VALUES (TRUE, 0);
  CREATE FUNCTION bump_bttns_version() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE bttns_version SET version = version + 1;
    RETURN NULL;
  END $$;
  CREATE TRIGGER bttns_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON bttns
    FOR EACH STATEMENT EXECUTE FUNCTION bump_bttns_version();

  CREATE TABLE counters (
    bttn TEXT NOT NULL,
    type TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (bttn, type)
  );
  CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    bttn TEXT NOT NULL,
    boot TEXT NOT NULL,
    seq BIGINT NOT NULL,
    type TEXT NOT NULL,
    age BIGINT NOT NULL,
    bat DOUBLE PRECISION,
    rssi INTEGER,
    received_at BIGINT NOT NULL,
    pressed_at BIGINT NOT NULL,
    counter BIGINT NOT NULL,             -- the bttn's total count including this event
    state TEXT NOT NULL,                 -- 'running', 'waiting' (async callback), 'ok', 'fail'
    reason TEXT,
    code INTEGER,
    finished_at BIGINT,
    taken_by TEXT,                       -- the relay that accepted it (who fires its action)
    UNIQUE (bttn, boot, seq)             -- a press's identity: this is what makes it fire once
  );
  -- The feed and not-pressed read a bttn's events of one type in id order (see events.ts).
  CREATE INDEX events_by_bttn_type_id ON events (bttn, type, id);
  -- claimOrphans / closeInterrupted look for a relay's running presses: few rows, a small index.
  CREATE INDEX events_running_by_relay ON events (taken_by) WHERE state = 'running';
  CREATE TABLE runs (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events (id),
    bttn TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,                   -- credentials and secret-looking query values removed
    status INTEGER,
    duration_ms DOUBLE PRECISION NOT NULL,
    reason TEXT,
    error TEXT,
    started_at BIGINT NOT NULL
  );
  CREATE INDEX runs_by_event ON runs (event_id, id);
  CREATE TABLE device_status (
    bttn TEXT PRIMARY KEY,
    online BOOLEAN NOT NULL,
    fw TEXT,
    bat DOUBLE PRECISION,
    rssi INTEGER,
    last_heard BIGINT NOT NULL
  );

  CREATE TABLE callbacks (
    token_hash TEXT PRIMARY KEY,
    event_id BIGINT NOT NULL UNIQUE REFERENCES events (id),
    bttn TEXT NOT NULL,
    boot TEXT NOT NULL,
    seq BIGINT NOT NULL,
    deadline BIGINT NOT NULL,            -- ms since the epoch
    waits INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX callbacks_by_deadline ON callbacks (deadline);
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    ord BIGSERIAL NOT NULL,              -- creation order: ties of created_at, as SQLite's rowid
    name TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- 'key' (bound to bttns) or 'admin'
    salt TEXT NOT NULL,
    hash TEXT NOT NULL,
    bttns TEXT NOT NULL DEFAULT '[]',    -- JSON array of bttn ids a 'key' may act for
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
  );
  CREATE TABLE hooks (
    id TEXT PRIMARY KEY,
    ord BIGSERIAL NOT NULL,              -- insertion order: ties of created_at, as SQLite's rowid
    key_id TEXT NOT NULL REFERENCES api_keys (id),
    bttn TEXT NOT NULL,
    url TEXT NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE INDEX hooks_by_bttn ON hooks (bttn, created_at);
  CREATE TABLE not_pressed_checks (
    bttn TEXT PRIMARY KEY,
    checked_until BIGINT NOT NULL
  );
  -- The relays of the group and when each last said it is alive (RelayRepo).
  CREATE TABLE relays (
    id TEXT PRIMARY KEY,
    last_beat BIGINT NOT NULL
  );

  -- Accepting a press in one round trip (events.ts): record it once, count it, and answer with
  -- the counts; a repeat answers how the first one went. The counters' row locks (the bttn's
  -- 'total' first, always) serialize a bttn's counted presses, so each gets its own total.
  -- p_unrecorded: the press was already answered 'fail internal' (its first accept failed); it is
  -- stored so, and a redelivery gets that answer again instead of firing late.
  CREATE FUNCTION accept_event(p_bttn TEXT, p_boot TEXT, p_seq BIGINT, p_type TEXT, p_age BIGINT,
      p_bat DOUBLE PRECISION, p_rssi INTEGER, p_received_at BIGINT, p_taken_by TEXT, p_unrecorded BOOLEAN, p_now BIGINT)
    RETURNS TABLE (out_fresh BOOLEAN, out_id BIGINT, out_counters JSON, out_pressed_at BIGINT,
      out_state TEXT, out_reason TEXT, out_code INTEGER)
    LANGUAGE plpgsql AS $$
  DECLARE
    v_id BIGINT;
    v_total BIGINT;
  BEGIN
    INSERT INTO events AS e (bttn, boot, seq, type, age, bat, rssi, received_at, pressed_at, counter, state, reason, finished_at, taken_by)
    VALUES (p_bttn, p_boot, p_seq, p_type, p_age, p_bat, p_rssi, p_received_at, p_received_at - p_age, 0,
      CASE WHEN p_unrecorded THEN 'fail' ELSE 'running' END,
      CASE WHEN p_unrecorded THEN 'internal' END,
      CASE WHEN p_unrecorded THEN p_now END,
      p_taken_by)
    ON CONFLICT (bttn, boot, seq) DO NOTHING
    RETURNING e.id INTO v_id;
    IF v_id IS NULL THEN
      -- A repeat: ON CONFLICT waited for the first insert's transaction, and this statement's
      -- snapshot is newer, so the first row is seen.
      RETURN QUERY SELECT FALSE, e.id, NULL::json, e.pressed_at, e.state, e.reason, e.code
        FROM events e WHERE e.bttn = p_bttn AND e.boot = p_boot AND e.seq = p_seq;
      RETURN;
    END IF;
    IF p_type <> 'heartbeat' THEN
      INSERT INTO counters AS c (bttn, type, count) VALUES (p_bttn, 'total', 1), (p_bttn, p_type, 1)
      ON CONFLICT (bttn, type) DO UPDATE SET count = c.count + 1;
    ELSE
      INSERT INTO counters AS c (bttn, type, count) VALUES (p_bttn, p_type, 1)
      ON CONFLICT (bttn, type) DO UPDATE SET count = c.count + 1;
    END IF;
    SELECT c.count INTO v_total FROM counters c WHERE c.bttn = p_bttn AND c.type = 'total';
    UPDATE events e SET counter = COALESCE(v_total, 0) WHERE e.id = v_id;
    RETURN QUERY SELECT TRUE, v_id,
      (SELECT json_object_agg(c.type, c.count) FROM counters c WHERE c.bttn = p_bttn),
      p_received_at - p_age,
      CASE WHEN p_unrecorded THEN 'fail' ELSE 'running' END,
      CASE WHEN p_unrecorded THEN 'internal' END,
      NULL::integer;
  END $$;
  `,
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/**
 * Brings the database's schema up to date. Relays of a group may start at once: the advisory lock
 * (held until the transaction ends) makes the others wait, and they then find nothing to do. A
 * schema newer than this relay knows is refused untouched (a newer relay of the group migrated).
 */
export async function migrate(client: pg.ClientBase): Promise<{ from: number; to: number }> {
  await client.query("BEGIN");
  try {
    // Migrations may take long on a big database, and the lock wait as long as another's migration.
    await client.query("SET LOCAL statement_timeout = 0");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    const found = Number((await client.query<{ v: number | null }>("SELECT max(version) AS v FROM schema_version")).rows[0].v ?? 0);
    if (found > PG_SCHEMA_VERSION) {
      throw new Error(`the database's schema is version ${found}, newer than this relay knows (${PG_SCHEMA_VERSION}): upgrade the relay`);
    }
    for (let v = found; v < PG_SCHEMA_VERSION; v++) {
      await client.query(PG_MIGRATIONS[v]);
      await client.query("INSERT INTO schema_version (version) VALUES ($1)", [v + 1]);
    }
    await client.query("COMMIT");
    return { from: found, to: PG_SCHEMA_VERSION };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}
