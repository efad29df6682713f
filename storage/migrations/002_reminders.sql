-- Follow-up reminders: the database is the schedule. One loop claims due rows atomically
-- (pending -> claimed), sends them through the person's platform, and marks them sent.
--
-- due_at    wall-clock UTC time the row becomes due (what the loop compares with its clock)
-- sched_at  the same moment in schedule time (equal to due_at unless REMINDER_TIME_SCALE != 1);
--           dates shown to the person and quiet hours are about schedule time
-- status    pending -> claimed -> sent -> answered; pending -> cancelled;
--           claimed -> pending (deferred or released); claimed -> failed (unreachable, or
--           too many attempts)
-- attempts  how many times the row was claimed; a claim older than the lease is retried
-- closed_at when it was answered, cancelled or given up
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    sched_at    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'claimed', 'sent', 'answered', 'cancelled', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    claimed_at  TEXT,
    sent_at     TEXT,
    closed_at   TEXT,
    data        TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL
);
-- The loop's query: pending rows by due time (and claimed rows by claim time, for the lease).
CREATE INDEX reminders_status_due ON reminders (status, due_at);
CREATE INDEX reminders_case_id ON reminders (case_id);
