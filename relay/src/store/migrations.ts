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
];
