-- The first schema. Timestamps are ISO-8601 UTC text written by storage/codec.py,
-- JSON columns are compact JSON text.

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    lang        TEXT NOT NULL,
    timezone    TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (platform, external_id)
);

CREATE TABLE sessions (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- AUTOINCREMENT so a deleted case's id is never handed to a new case
-- (ids appear in messages and exports the person may still hold).
CREATE TABLE cases (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status       TEXT NOT NULL DEFAULT 'draft',
    jurisdiction TEXT,
    issue_type   TEXT,
    channel      TEXT,
    reference    TEXT,
    filed_at     TEXT,
    draft        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX cases_user_id ON cases (user_id);

CREATE TABLE answers (
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    step_id     TEXT NOT NULL,
    value       TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (case_id, step_id)
);

CREATE TABLE evidence (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    kind        TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL CHECK (size >= 0),
    filename    TEXT,
    stored_path TEXT NOT NULL,
    caption     TEXT,
    origin      TEXT,
    received_at TEXT NOT NULL,
    UNIQUE (case_id, sha256)
);
-- Deleting a case asks whether any other row still points at a file.
CREATE INDEX evidence_stored_path ON evidence (stored_path);

CREATE TABLE case_events (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    kind    TEXT NOT NULL,
    data    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case_id ON case_events (case_id);

-- Platform update ids already applied, so a redelivered update changes nothing.
CREATE TABLE processed_updates (
    platform  TEXT NOT NULL,
    update_id TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (platform, update_id)
) WITHOUT ROWID;
