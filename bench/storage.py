"""Benchmark: the per-answer write and /cases (list_cases) on SQLite with a million cases.

Run: `.venv/bin/python -m bench.storage [--cases N] [--users N] [--data-dir DIR]` (or `python bench/storage.py`).
The schema is created by SqliteStore.open() in a temporary data folder, the bulk rows are loaded with a
direct sqlite3 executemany (users, cases with drafts, answers, sessions), then the store is opened again
as the bot opens it and timed:
  - the per-answer write: one transaction with save_answer + save_session (what every answer costs);
  - list_cases for people with about ten cases each, and the query plan that serves it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import data_dir_for, micros  # noqa: E402
from bench.engine import build_engine, state_at  # noqa: E402
from storage.codec import encode_json, encode_time  # noqa: E402
from storage.sqlite import DB_FILE_NAME, SqliteStore  # noqa: E402
from storage.sqlite_rows import CASE_COLUMNS  # noqa: E402

START = datetime(2025, 11, 27, tzinfo=timezone.utc)
ISSUES = ["robocall", "spam_sms", "data_leak", "fraud", "rude_service", "other"]
DRAFT = ("【投诉】本人手机号码自2026年9月起多次接到号码 138****8000 的营销电话，对方为电销机器人……" * 6)[:700]


def bulk_load(db_path: Path, cases: int, users: int, answers_per_case: int, session: dict[str, object]) -> None:
    """Fill the database quickly: one transaction per table, executemany over generators."""
    rng = random.Random(7)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA synchronous = OFF")
    session_text = encode_json(session)

    def stamp(i: int) -> str:
        return encode_time(START + timedelta(seconds=i * 31_536_000 // max(cases, 1)))

    with conn:
        conn.executemany(
            "INSERT INTO users (id, platform, external_id, lang, created_at) VALUES (?, 'telegram', ?, ?, ?)",
            ((u, str(10_000_000 + u), "zh" if u % 5 else "en", stamp(0)) for u in range(1, users + 1)),
        )
    with conn:
        conn.executemany(
            "INSERT INTO cases (id, user_id, status, jurisdiction, issue_type, channel, draft, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (c, rng.randint(1, users), "ready" if c % 2 else "draft", "CN", ISSUES[c % 6],
                 "cn_12321" if c % 2 else None, DRAFT if c % 2 else None, stamp(c), stamp(c))
                for c in range(1, cases + 1)
            ),
        )
    with conn:
        conn.executemany(
            "INSERT INTO answers (case_id, step_id, value, answered_at) VALUES (?, ?, ?, ?)",
            ((c, f"step_{k}", '"某某贷款公司"', stamp(c)) for c in range(1, cases + 1) for k in range(answers_per_case)),
        )
    with conn:
        conn.executemany(
            "INSERT INTO sessions (user_id, state, updated_at) VALUES (?, ?, ?)",
            ((u, session_text, stamp(cases)) for u in range(1, users + 1)),
        )
    conn.close()


async def time_answer_writes(store: SqliteStore, session: dict[str, object], writes: int) -> list[int]:
    now = datetime.now(timezone.utc)
    user = await store.get_or_create_user("telegram", "bench-writer", "zh", now)
    async with store.transaction() as tx:
        case_id = await tx.create_case(user.id, now)
    value = [{"raw": "138 0013 8000", "number": "+8613800138000", "kind": "mobile", "region": "CN", "display": "138 0013 8000"}]
    durations = []
    for i in range(writes):
        begin = time.perf_counter_ns()
        async with store.transaction() as tx:
            await tx.save_answer(case_id, f"step_{i % 25}", value, now)
            await tx.save_session(user.id, session, now)
        durations.append(time.perf_counter_ns() - begin)
    return durations


async def time_list_cases(store: SqliteStore, user_ids: list[int], rounds: int) -> tuple[list[int], float]:
    durations, found = [], []
    for _ in range(rounds):
        for user_id in user_ids:
            begin = time.perf_counter_ns()
            rows = await store.list_cases(user_id)
            durations.append(time.perf_counter_ns() - begin)
            found.append(len(rows))
    return durations, statistics.fmean(found)


async def run(args: argparse.Namespace, data_dir: Path) -> None:
    store = await SqliteStore(data_dir).open()
    await store.close()
    engine = build_engine()
    session = state_at(engine, "evidence").to_dict()
    users = args.users or max(1, args.cases // 10)

    began = time.perf_counter()
    bulk_load(data_dir / DB_FILE_NAME, args.cases, users, args.answers_per_case, session)
    loaded = time.perf_counter() - began
    size = sum(p.stat().st_size for p in data_dir.glob(DB_FILE_NAME + "*"))
    print(f"SQLite {sqlite3.sqlite_version} — bulk load: {users:,} users, {args.cases:,} cases, "
          f"{args.cases * args.answers_per_case:,} answers, {users:,} sessions ({len(json.dumps(session)):,} bytes each) "
          f"in {loaded:.1f} s; database {size / 1e6:,.0f} MB")

    conn = sqlite3.connect(data_dir / DB_FILE_NAME)
    ten = [row[0] for row in conn.execute(
        "SELECT user_id FROM cases GROUP BY user_id HAVING count(*) BETWEEN 9 AND 11 LIMIT 500"
    )]
    sql = f"SELECT {CASE_COLUMNS} FROM cases WHERE user_id = ? ORDER BY created_at DESC, id DESC"
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, (ten[0] if ten else 1,))]
    conn.close()

    store = await SqliteStore(data_dir).open()
    try:
        writes = await time_answer_writes(store, session, args.writes)
        print(f"per-answer write (save_answer + save_session, one transaction, {args.writes:,} times):")
        print(f"  {len(writes) / (sum(writes) / 1e9):,.0f} writes/s; {micros(writes)}")
        if ten:
            listing, mean_found = await time_list_cases(store, ten, args.rounds)
            print(f"list_cases for {len(ten)} people with 9-11 cases each "
                  f"({args.rounds} rounds, {mean_found:.1f} cases returned on average):")
            print(f"  {len(listing) / (sum(listing) / 1e9):,.0f} calls/s; {micros(listing)}")
        print("EXPLAIN QUERY PLAN of list_cases:")
        for step in plan:
            print(f"  {step}")
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the database (default 1,000,000)")
    parser.add_argument("--users", type=int, default=0, help="people they belong to (default: cases / 10)")
    parser.add_argument("--answers-per-case", type=int, default=3, help="answer rows per bulk case (default 3)")
    parser.add_argument("--writes", type=int, default=2000, help="per-answer writes to time (default 2000)")
    parser.add_argument("--rounds", type=int, default=4, help="times each person's /cases is listed (default 4)")
    parser.add_argument("--data-dir", type=Path, help="where to build the database (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    with data_dir_for(args.data_dir, "bench-storage-") as data_dir:
        asyncio.run(run(args, data_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
