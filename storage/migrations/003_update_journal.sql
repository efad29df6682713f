-- The update journal (inbox): every platform update as received, kept until it has been handled.
-- The Telegram adapter writes a fetched batch here before the Bot API is told it arrived, deletes
-- each row once its update is handled, and at start-up feeds the rows still here back in, so an
-- update that was in flight when the process died is handled after the restart.
--
-- chat_id     the chat the update belongs to (for /delete); NULL for updates without one
-- payload     the update's JSON as received (it holds message text: rows live for seconds)
-- received_at when it was journaled; rows older than a week are pruned
-- attempts    how many times it was replayed at a start-up; a replay loop is given up after a cap
--
-- No index beyond the key: the table holds only what is in flight, so the rare scans by chat or
-- age are cheap, and every index would cost each insert and delete.
CREATE TABLE update_journal (
    platform    TEXT NOT NULL,
    update_id   INTEGER NOT NULL,
    chat_id     TEXT,
    payload     TEXT NOT NULL,
    received_at TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    PRIMARY KEY (platform, update_id)
);
