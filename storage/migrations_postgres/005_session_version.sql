-- A version on each session, PostgreSQL's twin of storage/migrations/005_session_version.sql.
ALTER TABLE sessions ADD COLUMN version integer NOT NULL DEFAULT 0;
