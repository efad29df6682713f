-- PostgreSQL's twin of storage/migrations/008_outbox_deferred.sql (the column's meaning is written there).
ALTER TABLE outbox ADD COLUMN deferred smallint NOT NULL DEFAULT 0 CHECK (deferred IN (0, 1));
