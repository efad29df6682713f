-- Follow-up reminders, PostgreSQL's twin of storage/migrations/002_reminders.sql (the column
-- meanings are written there). Several bot processes claim from this table at once; the claim
-- takes rows with FOR UPDATE SKIP LOCKED, so each row goes to one process.
CREATE TABLE reminders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    due_at      timestamptz NOT NULL,
    sched_at    timestamptz NOT NULL,
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'claimed', 'sent', 'answered', 'cancelled', 'failed')),
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    claimed_at  timestamptz,
    sent_at     timestamptz,
    closed_at   timestamptz,
    data        json NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL
);
-- The loop's query: pending rows by due time (and claimed rows by claim time, for the lease).
CREATE INDEX reminders_status_due ON reminders (status, due_at);
CREATE INDEX reminders_case_id ON reminders (case_id);
