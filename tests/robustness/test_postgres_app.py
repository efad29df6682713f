"""The whole bot on PostgreSQL: DATABASE_URL picks the store, evidence files stay in DATA_DIR.

A complaint from start to draft, then /filed and /delete, through the real conversation service
built by build_app, on a fresh database of the test server (skipped where there is none).
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import load_settings
from engine.events import ButtonPress, Command
from services.conversation import Who
from storage.postgres import PostgresStore
from tests.clocks import TickingClock
from tests.robustness.people import Person, evidence_file, sha256_of
from tests.robustness.walk import NOW, PLANS
from tests.storage.postgres_server import create_database, drop_database

ALICE = Who("telegram", "1001", "zh-hans")


@pytest.fixture
async def pg_app(data_dir: Path) -> AsyncIterator[App]:
    url = await create_database()
    running = await build_app(load_settings({"DATA_DIR": str(data_dir), "DATABASE_URL": url}), clock=TickingClock(NOW))
    yield running
    await running.close()
    await drop_database(url)


async def test_a_complaint_lives_in_postgres_and_its_files_in_data_dir_until_deleted(
    pg_app: App, data_dir: Path, tmp_path: Path
) -> None:
    assert isinstance(pg_app.store, PostgresStore)
    shot = evidence_file(tmp_path / "phone", "shot.png", b"alice on postgres")
    alice = Person(pg_app, ALICE)

    case_id, _ = await alice.complain(PLANS["cn_robocall"], [shot])
    await alice.say(f"/filed {case_id} 12321-REF-1")

    user = await pg_app.service.user_for(ALICE)
    case = await pg_app.store.get_case(case_id, user.id)
    assert case is not None and case.draft and case.reference == "12321-REF-1"
    assert await pg_app.store.case_reminders(case_id), "filing scheduled the check-ins"
    (row,) = [r for r in await pg_app.store.case_evidence(case_id) if r.sha256 == sha256_of(shot)]
    stored = data_dir / "evidence" / row.stored_path
    assert stored.read_bytes() == shot.read_bytes()
    assert not (data_dir / "bot.sqlite3").exists()

    await alice.send(Command("delete", str(case_id)))
    await alice.send(ButtonPress(f"_delete:{case_id}"))

    assert await pg_app.store.get_case(case_id, user.id) is None
    assert await pg_app.store.case_reminders(case_id) == []
    assert not stored.exists()


async def test_a_nul_in_typed_or_pasted_text_is_dropped_rather_than_failing_on_postgres(
    pg_app: App, data_dir: Path, tmp_path: Path
) -> None:
    alice = Person(pg_app, ALICE)
    plan = {**PLANS["cn_robocall"], "company": "某某\x00贷款公司", "evidence_text": "您的贷款\x00已到账"}
    case_id, _ = await alice.complain(plan, [evidence_file(tmp_path, "call-log.png", b"call log")])
    user = await pg_app.service.user_for(ALICE)
    case = await pg_app.store.get_case(case_id, user.id)
    answers = await pg_app.store.case_answers(case_id)
    assert case is not None and case.draft and "某某贷款公司" in case.draft
    assert answers["company"] == "某某贷款公司"
    pasted = [r for r in await pg_app.store.case_evidence(case_id) if r.mime.startswith("text/")]
    assert [(data_dir / "evidence" / r.stored_path).read_text("utf-8") for r in pasted] == ["您的贷款已到账"]
