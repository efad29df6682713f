-- Several bot processes on one database must share one DATA_DIR (evidence files, exports). The first
-- process to start records a random mark here and as a file in its DATA_DIR; every later process
-- checks that its DATA_DIR holds that file (storage/shared_dir.py).
CREATE TABLE data_dir_mark (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    mark       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
