"""/delete on PostgreSQL: afterwards the case's text is in no page of any table, index or TOAST file on disk.

The test reads the relation files of the throwaway cluster itself (after a CHECKPOINT writes every
page out), so it sees what a person with a copy of the data folder would see, dead row versions
and free space included. What stays in the WAL and in backups is in README.md (Erasure).
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from app.bootstrap import App, build_app
from app.settings import load_settings
from engine.events import ButtonPress, Command
from services.conversation import Who
from tests.robustness.conftest import Clock
from tests.robustness.people import Person, evidence_file
from tests.robustness.walk import PLANS
from tests.storage.postgres_server import create_database, drop_database

ALICE = Who("telegram", "1001", "zh-hans")
BOB = Who("telegram", "3003", "en")
PASTED = "Alice pasted SMS 5QX: your loan is ready"
ALICE_PLAN = {**PLANS["cn_robocall"], "company": "Alice Secret Lending 7F3A", "evidence_text": PASTED}
SECRETS = ["Alice Secret Lending 7F3A", "13800138000"]


@pytest.fixture
async def pg(data_dir: Path) -> AsyncIterator[tuple[App, str]]:
    url = await create_database()
    running = await build_app(load_settings({"DATA_DIR": str(data_dir), "DATABASE_URL": url}), clock=Clock())
    yield running, url
    await running.close()
    await drop_database(url)


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


async def test_after_delete_no_page_on_disk_holds_the_case_text(pg: tuple[App, str], tmp_path: Path) -> None:
    app, url = pg
    alice, bob = Person(app, ALICE), Person(app, BOB)
    case_id, _ = await alice.complain(ALICE_PLAN, [evidence_file(tmp_path / "a", "shot.png", b"alice bytes")])
    bob_case, _ = await bob.complain(PLANS["us_fraud"], [evidence_file(tmp_path / "b", "shot.png", b"bob bytes")])
    before = await relation_files(url)
    assert {s: bool(containing(before, s)) for s in SECRETS} == dict.fromkeys(SECRETS, True), "the test looks in the right files"

    await alice.send(Command("delete", str(case_id)))
    await alice.send(ButtonPress(f"_delete:{case_id}"))

    after = await relation_files(url)
    for secret in SECRETS:
        assert containing(after, secret) == [], f"{secret!r} is still on disk"
    assert f"#{bob_case}" in await bob.say("/cases"), "Bob's case is untouched"
    assert containing(after, "(202) 555-0143"), "Bob's answers are still on disk"
