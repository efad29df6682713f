-- The outbox: the replies of an event, written in the same transaction as the event's effects, so a
-- crash after the commit cannot lose them. The adapter sends a chat's rows in id order after the
-- commit and deletes each once sent (a sent reply is not kept: it may hold the person's text).
--
-- platform, chat_id  where the reply goes (the person's external id on that platform)
-- reply              the reply as JSON (text, buttons, expects, kind, seq, files)
-- due_at             when it may be tried next: now when written; later after a failed send
--                    (back-off) or while a sender holds it (a short lease)
-- attempts           how many times a sender took it; the back-off grows with it
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    platform   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    reply      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0)
);
CREATE INDEX outbox_chat ON outbox (platform, chat_id, id);
