-- PostgreSQL's twin of storage/migrations/006_journal_claims.sql (the column's meaning is written there).
ALTER TABLE update_journal ADD COLUMN claimed_at timestamptz;
