"""Benchmark: two PostgreSQL deployment choices — where evidence bytes live, and what erasure costs.

Run: `.venv/bin/python -m bench.postgres_choices URL [--files 200] [--people 20000]` where URL is a
PostgreSQL database the benchmark may fill (scripts/test-postgres.sh gives a throwaway server:
`scripts/test-postgres.sh sh -c '.venv/bin/python -m bench.postgres_choices "$TEST_POSTGRES_URL"'`).

1. Evidence: `--files` screenshots of 300 kB each, stored (a) as files in DATA_DIR by the bot's
   content-addressed store, (b) as `bytea` rows in PostgreSQL; time per file, and the WAL the
   database writes for them (what replicas, archives and backups then carry).
2. Erase: `--people` sessions (the state JSON of a person mid-complaint) and ten answers each, then
   the store's scrub() after a /delete (a plain VACUUM of the touched tables), then the nightly
   compact() (`bot.py compact`: VACUUM FULL of the same tables, which removes the erased bytes).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg  # noqa: E402

from bench.common import machine  # noqa: E402
from storage.files import EvidenceFiles  # noqa: E402
from storage.postgres import PostgresStore  # noqa: E402

SHOT = 300 * 1024


async def wal_bytes(conn: asyncpg.Connection, since: str) -> int:
    return int(await conn.fetchval("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::text::pg_lsn)", since))


async def evidence(url: str, files: int) -> None:
    blobs = [secrets.token_bytes(SHOT) for _ in range(files)]
    with tempfile.TemporaryDirectory() as folder:
        store = EvidenceFiles(Path(folder) / "evidence")
        started = time.perf_counter()
        for blob in blobs:
            await store.put_bytes(blob)
        on_disk = (time.perf_counter() - started) / files
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP TABLE IF EXISTS bench_blobs")
        await conn.execute("CREATE TABLE bench_blobs (sha text PRIMARY KEY, data bytea NOT NULL)")
        lsn = await conn.fetchval("SELECT pg_current_wal_lsn()::text")
        started = time.perf_counter()
        for n, blob in enumerate(blobs):
            await conn.execute("INSERT INTO bench_blobs VALUES ($1, $2)", str(n), blob)
        in_db = (time.perf_counter() - started) / files
        wal = await wal_bytes(conn, lsn)
        size = await conn.fetchval("SELECT pg_total_relation_size('bench_blobs')")
        await conn.execute("DROP TABLE bench_blobs")
    finally:
        await conn.close()
    print(f"evidence, {files} files of {SHOT // 1024} kB: DATA_DIR {on_disk * 1000:.2f} ms/file; "
          f"PostgreSQL bytea {in_db * 1000:.2f} ms/file, WAL {wal / files / 1024:.0f} kB/file, "
          f"table {size / files / 1024:.0f} kB/file")


async def erase(url: str, people: int) -> None:
    state = '{"step": "evidence", "answers": {' + ", ".join(f'"q{n}": "{"答" * 40}"' for n in range(20)) + "}}"
    async with PostgresStore(url) as store:
        async with store._require_pool().acquire() as conn:  # bulk load, as bench.storage does on SQLite
            await conn.execute(
                "INSERT INTO users (platform, external_id, lang, created_at) "
                "SELECT 'telegram', g::text, 'zh', now() FROM generate_series(1, $1) g", people
            )
            await conn.execute(
                "INSERT INTO sessions (user_id, state, updated_at) SELECT id, $1::json, now() FROM users", state
            )
            await conn.execute(
                "INSERT INTO cases (user_id, created_at, updated_at) SELECT id, now(), now() FROM users"
            )
            await conn.execute(
                "INSERT INTO answers (case_id, step_id, value, answered_at) "
                "SELECT c.id, 'q' || n, to_json(repeat('答', 40)), now() FROM cases c, generate_series(1, 10) n"
            )
            size = int(await conn.fetchval(
                "SELECT sum(pg_total_relation_size(t)) FROM unnest(ARRAY['sessions', 'answers', 'cases']) t")
            )
            await conn.execute("DELETE FROM cases WHERE id = (SELECT min(id) FROM cases)")
        started = time.perf_counter()
        await store.scrub()
        took = time.perf_counter() - started
        started = time.perf_counter()
        left = await store.compact(attempts=1)
        compacted = time.perf_counter() - started
    print(
        f"erase with {people} people ({size / 1e6:.0f} MB in sessions, answers, cases): "
        f"/delete's VACUUM {took:.2f} s, nightly compaction {compacted:.2f} s" + (f" (left: {left})" if left else "")
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--people", type=int, default=20000)
    args = parser.parse_args()
    print(machine())
    if os.environ.get("SKIP_EVIDENCE") is None:
        await evidence(args.url, args.files)
    await erase(args.url, args.people)


if __name__ == "__main__":
    asyncio.run(main())
