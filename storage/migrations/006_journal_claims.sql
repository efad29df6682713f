-- Several bot processes may start at once on one database (PostgreSQL); each journaled update must
-- be replayed by one of them only.
--
-- claimed_at  when a starting process took the row to replay it; another process starting within
--             the lease leaves it alone (NULL: never claimed)
ALTER TABLE update_journal ADD COLUMN claimed_at TEXT;
