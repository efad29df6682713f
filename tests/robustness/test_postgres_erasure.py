"""/delete on PostgreSQL: at once no page holds the case's rows; after `bot.py compact`, no file holds its text.

The tests look where a person with a superuser account or a copy of the data folder would look:
every row version in every page of every table, TOAST table and index (pageinspect, dead row
versions included), and the relation files' bytes after a CHECKPOINT (free space included).
What stays in the WAL and in backups is in README.md (Erasure).
"""
from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from app.bootstrap import App, build_app
from app.settings import ROOT, load_settings
from engine.events import ButtonPress, Command
from services.conversation import Who
from storage.postgres import ERASED_TABLES
from tests.clocks import TickingClock
from tests.robustness.people import Person, evidence_file
from tests.robustness.walk import NOW, PLANS
from tests.storage.postgres_server import create_database, drop_database

ALICE = Who("telegram", "1001", "zh-hans")
BOB = Who("telegram", "3003", "en")
PASTED = "Alice pasted SMS 5QX: your loan is ready"
ALICE_PLAN = {**PLANS["cn_robocall"], "company": "Alice Secret Lending 7F3A", "evidence_text": PASTED}
SECRETS = ["Alice Secret Lending 7F3A", "13800138000"]
BOBS = "(202) 555-0143"

# Every row version the pages of the database's tables, TOAST tables and btree indexes hold.
ROW_VERSIONS = """
WITH rel AS (
    SELECT c.oid::regclass::text AS name, c.relkind, am.amname,
           pg_relation_size(c.oid) / current_setting('block_size')::int AS blocks
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_am am ON am.oid = c.relam
    WHERE n.nspname IN ('public', 'pg_toast') AND (c.relkind IN ('r', 't') OR am.amname = 'btree')
)
SELECT i.t_data FROM rel, generate_series(0, rel.blocks - 1) AS b,
       heap_page_items(get_raw_page(rel.name, b::int)) AS i
WHERE rel.relkind IN ('r', 't') AND i.t_data IS NOT NULL
UNION ALL
SELECT decode(replace(i.data, ' ', ''), 'hex') FROM rel, generate_series(1, rel.blocks - 1) AS b,
       bt_page_items(get_raw_page(rel.name, b::int)) AS i
WHERE rel.amname = 'btree'
"""


@pytest.fixture
async def pg(data_dir: Path) -> AsyncIterator[tuple[App, str]]:
    url = await create_database()
    running = await build_app(load_settings({"DATA_DIR": str(data_dir), "DATABASE_URL": url}), clock=TickingClock(NOW))
    yield running, url
    await running.close()
    await drop_database(url)


async def row_versions(url: str) -> list[bytes]:
    """Every row version in the pages, as PostgreSQL's page inspector reads them (dead ones too)."""
    conn = await asyncpg.connect(url)
    try:
        try:
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        except asyncpg.PostgresError as exc:
            pytest.skip(f"pageinspect is not available to read the pages: {exc}")
        return [bytes(row[0]) for row in await conn.fetch(ROW_VERSIONS)]
    finally:
        await conn.close()


async def relation_files(url: str) -> list[Path]:
    """Every file of every table, index and TOAST relation of the database, after a checkpoint."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CHECKPOINT")
        data_directory = Path(await conn.fetchval("SHOW data_directory"))
        paths = await conn.fetch(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'i', 't') AND n.nspname IN ('public', 'pg_toast') "
            "AND pg_relation_filepath(c.oid) IS NOT NULL"
        )
    finally:
        await conn.close()
    files: list[Path] = []
    for (relative,) in paths:
        base = data_directory / relative
        files += [p for p in base.parent.glob(base.name + "*") if p.name == base.name or p.name.startswith(base.name + ".")]
    return files


def containing(files: list[Path], text: str) -> list[str]:
    needle = text.encode("utf-8")
    return [str(p) for p in files if needle in p.read_bytes()]


def in_rows(rows: list[bytes], text: str) -> bool:
    needle = text.encode("utf-8")
    return any(needle in row for row in rows)


async def compact(url: str | None, data_dir: Path | None = None) -> tuple[int, str]:
    """`bot.py compact` as the nightly timer runs it: its own process, settings from the environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATA_DIR")}
    env |= {"DATABASE_URL": url} if url else {"DATA_DIR": str(data_dir)}
    child = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "compact", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(child.communicate(), 120)
    assert child.returncode is not None
    return child.returncode, out.decode()


async def alice_and_bob_complain(app: App, tmp_path: Path) -> tuple[tuple[Person, int], tuple[Person, int]]:
    """Alice's case, the one she erases, and Bob's, which must stay: each person with their case id."""
    alice, bob = Person(app, ALICE), Person(app, BOB)
    case_id, _ = await alice.complain(ALICE_PLAN, [evidence_file(tmp_path / "a", "shot.png", b"alice bytes")])
    bob_case, _ = await bob.complain(PLANS["us_fraud"], [evidence_file(tmp_path / "b", "shot.png", b"bob bytes")])
    return (alice, case_id), (bob, bob_case)


async def test_after_delete_no_page_holds_a_row_of_the_case(pg: tuple[App, str], tmp_path: Path) -> None:
    app, url = pg
    (alice, case_id), (bob, bob_case) = await alice_and_bob_complain(app, tmp_path)
    before = await row_versions(url)
    assert {s: in_rows(before, s) for s in SECRETS} == dict.fromkeys(SECRETS, True), "the test looks in the right rows"

    await alice.send(Command("delete", str(case_id)))
    await alice.send(ButtonPress(f"_delete:{case_id}"))

    after = await row_versions(url)
    assert {s: in_rows(after, s) for s in SECRETS} == dict.fromkeys(SECRETS, False)
    assert in_rows(after, BOBS), "Bob's answers are untouched"
    assert f"#{bob_case}" in await bob.say("/cases")


async def test_delete_waits_for_no_one_writing(pg: tuple[App, str], tmp_path: Path) -> None:
    """Every write transaction holds its tables in ROW EXCLUSIVE mode; an erase must not queue behind
    them (nor make their later queries queue behind it), as the old per-/delete VACUUM FULL did."""
    app, url = pg
    alice = Person(app, ALICE)
    case_id, _ = await alice.complain(ALICE_PLAN, [evidence_file(tmp_path / "a", "shot.png", b"alice bytes")])
    writer = await asyncpg.connect(url)
    try:
        async with writer.transaction():
            await writer.execute(f"LOCK TABLE {', '.join(ERASED_TABLES)} IN ROW EXCLUSIVE MODE")
            await alice.send(Command("delete", str(case_id)))
            replies = await asyncio.wait_for(alice.send(ButtonPress(f"_delete:{case_id}")), 10)
            left = await writer.fetchval("SELECT count(*) FROM answers WHERE value::text LIKE '%Alice Secret%'")
    finally:
        await writer.close()

    assert [r.text for r in replies] == [f"投诉 #{case_id} 及其文件已删除。"]
    assert left == 0


async def test_after_the_nightly_compaction_no_file_holds_the_case_text(pg: tuple[App, str], tmp_path: Path) -> None:
    app, url = pg
    (alice, case_id), (bob, bob_case) = await alice_and_bob_complain(app, tmp_path)
    before = await relation_files(url)
    assert {s: bool(containing(before, s)) for s in SECRETS} == dict.fromkeys(SECRETS, True), "the test looks in the right files"
    await alice.send(Command("delete", str(case_id)))
    await alice.send(ButtonPress(f"_delete:{case_id}"))

    status, output = await compact(url)

    assert (status, output.strip().splitlines()[-1]) == (0, "Compacted: the tables a /delete touches were rewritten without the erased rows.")
    after = await relation_files(url)
    for secret in SECRETS:
        assert containing(after, secret) == [], f"{secret!r} is still on disk"
    assert containing(after, BOBS), "Bob's answers are still on disk"
    assert f"#{bob_case}" in await bob.say("/cases"), "Bob's case is untouched"


async def test_compact_on_sqlite_says_there_is_nothing_to_do(tmp_path: Path) -> None:
    assert await compact(None, tmp_path / "data") == (
        0, "Nothing to compact: on SQLite /delete overwrites the freed pages at once (secure_delete).\n"
    )
