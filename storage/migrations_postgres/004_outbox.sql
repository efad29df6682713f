-- The outbox, PostgreSQL's twin of storage/migrations/004_outbox.sql (the column meanings are written there).
CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    platform   text NOT NULL,
    chat_id    text NOT NULL,
    reply      json NOT NULL,
    created_at timestamptz NOT NULL,
    due_at     timestamptz NOT NULL,
    attempts   integer NOT NULL DEFAULT 0 CHECK (attempts >= 0)
);
CREATE INDEX outbox_chat ON outbox (platform, chat_id, id);
