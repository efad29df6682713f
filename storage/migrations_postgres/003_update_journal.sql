-- The update journal (inbox), PostgreSQL's twin of storage/migrations/003_update_journal.sql (the
-- column meanings are written there).
CREATE TABLE update_journal (
    platform    text NOT NULL,
    update_id   bigint NOT NULL,
    chat_id     text,
    payload     json NOT NULL,
    received_at timestamptz NOT NULL,
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    PRIMARY KEY (platform, update_id)
);
