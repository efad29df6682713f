-- A version on each session, raised by every save: a save that names the version it read is refused
-- when another process saved in between, so of two answers to one question only one is kept.
ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
