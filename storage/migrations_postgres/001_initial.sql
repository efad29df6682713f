-- The first schema, PostgreSQL's twin of storage/migrations/001_initial.sql.
-- Timestamps are timestamptz (microseconds, like the SQLite text), JSON columns are `json`:
-- the codec's text kept verbatim (key order, "\u0000" escapes), checked to be JSON on the way in.
-- Ids are identity columns: a sequence never hands out a deleted case's id again.

CREATE TABLE users (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform    text NOT NULL,
    external_id text NOT NULL,
    lang        text NOT NULL,
    timezone    text,
    created_at  timestamptz NOT NULL,
    UNIQUE (platform, external_id)
);

CREATE TABLE sessions (
    user_id    bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    state      json NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE cases (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status       text NOT NULL DEFAULT 'draft',
    jurisdiction text,
    issue_type   text,
    channel      text,
    reference    text,
    filed_at     timestamptz,
    draft        text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX cases_user_id ON cases (user_id);

-- step_id sorts bytewise, as in SQLite, whatever the database's locale.
CREATE TABLE answers (
    case_id     bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    step_id     text COLLATE "C" NOT NULL,
    value       json NOT NULL,
    answered_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, step_id)
);

CREATE TABLE evidence (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    kind        text NOT NULL,
    mime        text NOT NULL,
    size        bigint NOT NULL CHECK (size >= 0),
    filename    text,
    stored_path text NOT NULL,
    caption     text,
    origin      json,
    received_at timestamptz NOT NULL,
    UNIQUE (case_id, sha256)
);
-- Deleting a case asks whether any other row still points at a file.
CREATE INDEX evidence_stored_path ON evidence (stored_path);

CREATE TABLE case_events (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at      timestamptz NOT NULL,
    kind    text NOT NULL,
    data    json NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case_id ON case_events (case_id);

-- Platform update ids already applied, so a redelivered update changes nothing.
CREATE TABLE processed_updates (
    platform  text NOT NULL,
    update_id text NOT NULL,
    at        timestamptz NOT NULL,
    PRIMARY KEY (platform, update_id)
);
