// Schema history: one entry per version, applied in order, never edited once released.
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE bttns (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,                 -- who owns the definition: 'file', 'cli' or 'api'
    secret_salt TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    props TEXT NOT NULL DEFAULT '{}',     -- JSON: name, user, location, ... (tags use them)
    actions TEXT NOT NULL DEFAULT '{}',   -- JSON: event type -> action
    device TEXT NOT NULL DEFAULT '{}',    -- JSON: settings published on the retained config topic
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE counters (
    bttn TEXT NOT NULL,
    type TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (bttn, type)
  ) WITHOUT ROWID;
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    bttn TEXT NOT NULL,
    boot TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    age INTEGER NOT NULL,
    bat REAL,
    rssi INTEGER,
    received_at INTEGER NOT NULL,
    pressed_at INTEGER NOT NULL,
    counter INTEGER NOT NULL,            -- the bttn's total count including this event
    state TEXT NOT NULL,                 -- 'running', 'waiting' (async callback), 'ok', 'fail'
    reason TEXT,
    code INTEGER,
    finished_at INTEGER,
    UNIQUE (bttn, boot, seq)             -- a press's identity: this is what makes it fire once
  );
  CREATE INDEX events_by_bttn ON events (bttn, id);
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id),
    bttn TEXT NOT NULL,
    method TEXT NOT NULL,
    url TEXT NOT NULL,                   -- credentials and secret-looking query values removed
    status INTEGER,
    duration_ms REAL NOT NULL,
    reason TEXT,
    error TEXT,
    started_at INTEGER NOT NULL
  );
  CREATE INDEX runs_by_event ON runs (event_id);
  CREATE TABLE device_status (
    bttn TEXT PRIMARY KEY,
    online INTEGER NOT NULL,
    fw TEXT,
    bat REAL,
    rssi INTEGER,
    last_heard INTEGER NOT NULL
  );
  `,
  `
  -- Async actions: one row per press waiting for its callback. The token is stored hashed.
  CREATE TABLE callbacks (
    token_hash TEXT PRIMARY KEY,
    event_id INTEGER NOT NULL UNIQUE REFERENCES events (id),
    bttn TEXT NOT NULL,
    boot TEXT NOT NULL,
    seq INTEGER NOT NULL,
    deadline INTEGER NOT NULL,           -- ms since the epoch
    waits INTEGER NOT NULL DEFAULT 0,    -- how many times the server said Wait
    created_at INTEGER NOT NULL
  );
  CREATE INDEX callbacks_by_deadline ON callbacks (deadline);
  -- API keys for webhook servers (dynamic webhooks) and admin tokens: stored hashed.
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- 'key' (bound to bttns) or 'admin'
    salt TEXT NOT NULL,
    hash TEXT NOT NULL,
    bttns TEXT NOT NULL DEFAULT '[]',    -- JSON array of bttn ids a 'key' may act for
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE TABLE hooks (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL REFERENCES api_keys (id),
    bttn TEXT NOT NULL,
    url TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX hooks_by_bttn ON hooks (bttn, created_at);
  `,
  `
  -- Every accepted press writes each index page it touches into the WAL; the UNIQUE (bttn, boot,
  -- seq) index already finds a bttn's events, so this one cost a page write per commit for nothing.
  DROP INDEX events_by_bttn;
  `,
  `
  -- The feed reads a bttn's events newest first (or after an id, oldest first), all of them or one
  -- type. Without an index in id order per bttn SQLite sorts all of a bttn's events in a temporary
  -- b-tree for each call (16-80 ms at 100,000 events, on the event loop that serves presses). One
  -- index serves both: one type is a range of it, all types a merge of the ranges of the five types
  -- (store/events.ts). Ids only grow, so a press adds to the end of its bttn's range: one more index
  -- page written per commit (a second index, on (bttn, id), would cost another for no gain).
  CREATE INDEX events_by_bttn_type_id ON events (bttn, type, id);
  `,
  `
  -- not-pressed: per bttn, the end of the last expected-press window that was checked (ms since the
  -- epoch), so a window that ended while the relay was down is checked once at the next start.
  CREATE TABLE not_pressed_checks (
    bttn TEXT PRIMARY KEY,
    checked_until INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
];
