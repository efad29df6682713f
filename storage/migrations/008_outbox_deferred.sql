-- Whether a row's due_at is a wait no sender holds it for (a failed send's back-off, or a reply kept
-- until the person writes): 1 after `defer_outbox`, 0 while claimed or due. When the person writes
-- again such rows may be sent at once by any process (`bring_forward_outbox`); a row another process
-- holds (it is sending it right now) is never touched that way.
ALTER TABLE outbox ADD COLUMN deferred INTEGER NOT NULL DEFAULT 0 CHECK (deferred IN (0, 1));
