-- The mark that proves several bot processes share one DATA_DIR (see storage/shared_dir.py). Only a
-- database several processes share (PostgreSQL) uses it; SQLite has the table so that the two
-- schemas stay in step.
CREATE TABLE data_dir_mark (
    singleton  INTEGER PRIMARY KEY DEFAULT 1 CHECK (singleton = 1),
    mark       TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
