"""/delete erases a case for good: no row that refers to it, no file of it, nothing in the session.

A file that another person's case also holds (the same screenshot, stored once by its hash) stays for
them. Tables are found by their case_id column, so tables added later (reminders) are checked too.
"""
from __future__ import annotations

import json
from pathlib import Path

from app.bootstrap import App
from engine.events import ButtonPress, Command, FileInput, TextInput
from services.conversation import Who
from services.evidence_intake import file_item
from tests.robustness.people import (
    Person,
    case_snapshot,
    case_tables,
    evidence_file,
    open_db,
    session_of,
    sha256_of,
)
from tests.robustness.walk import NOW, PLANS

ALICE = Who("telegram", "1001", "zh-hans")
BOB = Who("telegram", "3003", "en")

PASTED = "Alice pasted SMS 5QX: your loan is ready"
ALICE_PLAN = {**PLANS["cn_robocall"], "company": "Alice Secret Lending 7F3A", "evidence_text": PASTED}
SECRETS = ["Alice Secret Lending 7F3A", "13800138000", "138 0013 8000", PASTED]


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def export_dir_of(app: App) -> Path | None:
    exporter = app.service.commands.handler("export")
    folder = getattr(exporter, "export_dir", None)
    return Path(folder) if folder is not None else None


async def test_delete_leaves_no_row_and_no_file_but_keeps_a_file_shared_with_another_case(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    phone = tmp_path / "alice-phone"
    unique, shared = evidence_file(phone, "unique.png", b"alice-only bytes"), evidence_file(phone, "shared.png", b"same bytes")
    alice, bob = Person(app, ALICE), Person(app, BOB)
    case_id, _ = await alice.complain(ALICE_PLAN, [unique, shared])
    if "filed" in app.service.commands:  # filing schedules reminders, which must go with the case
        await alice.say(f"/filed {case_id} 12321-REF-998")
    bob_case, _ = await bob.complain(PLANS["us_fraud"], [shared])
    before = case_snapshot(data_dir, case_id)
    assert len(before["evidence"]) == 3, "two files and the pasted text"
    if "filed" in app.service.commands:
        assert before["reminders"], "filing scheduled no reminder, so their deletion goes untested"
    with open_db(data_dir) as db:
        tables = case_tables(db)
    assert {"answers", "evidence", "case_events"} <= set(tables)
    exports = export_dir_of(app)
    if exports is not None:
        await alice.say(f"/export {case_id}")
        assert any(p.name.startswith(f"case-{case_id}-") for p in files_under(exports)), "the export made no file"

    confirm = await alice.send(Command("delete", str(case_id)))
    assert f"_delete:{case_id}" in [b.value for r in confirm for b in r.buttons]
    assert case_snapshot(data_dir, case_id) == before, "asking to delete deleted already"
    await alice.send(ButtonPress(f"_delete:{case_id}"))

    with open_db(data_dir) as db:
        assert db.execute("SELECT count(*) FROM cases WHERE id = ?", (case_id,)).fetchone() == (0,)
        for table in case_tables(db):
            assert db.execute(f"SELECT count(*) FROM {table} WHERE case_id = ?", (case_id,)).fetchone() == (0,), table
    state = session_of(data_dir, ALICE)
    assert state.get("case_id") != case_id
    assert not any(secret in json.dumps(state, ensure_ascii=False) for secret in SECRETS)

    evidence_root = data_dir / "evidence"
    for rel_path in before["files"]:
        still_there = (evidence_root / rel_path).exists()
        assert still_there == (before["files"][rel_path] == sha256_of(shared)), rel_path
    for path in files_under(data_dir) + (files_under(exports) if exports else []):
        assert not path.name.startswith(f"case-{case_id}-"), f"export left behind: {path}"
        content = path.read_bytes()
        assert b"alice-only bytes" not in content and PASTED.encode() not in content, f"left behind: {path}"
        assert ALICE_PLAN["company"].encode() not in content, f"the company name is still in {path}"

    bob_after = case_snapshot(data_dir, bob_case)
    assert list(bob_after["files"].values()) == [sha256_of(shared)]
    assert sha256_of(shared) in await bob.say(f"/case {bob_case}")
    assert f"#{case_id}" not in await alice.say("/cases")


async def test_deleting_the_case_in_progress_erases_it_and_resets_the_conversation(
    app: App, data_dir: Path, tmp_path: Path
) -> None:
    alice = Person(app, ALICE)
    await alice.complain(ALICE_PLAN, [], stop_at="evidence")
    case_id = await alice.case_id()
    assert case_id is not None
    item = await file_item(evidence_file(tmp_path, "x.png", b"alice-only bytes"), received_at=NOW)
    await alice.send(FileInput(items=(item,)))
    await alice.send(TextInput(PASTED))
    stored = case_snapshot(data_dir, case_id)["files"]
    assert len(stored) == 2 and all((data_dir / "evidence" / p).exists() for p in stored)

    await alice.send(Command("delete", str(case_id)))
    await alice.send(ButtonPress(f"_delete:{case_id}"))
    assert not any(case_snapshot(data_dir, case_id).values())
    assert not any((data_dir / "evidence" / p).exists() for p in stored)
    state = session_of(data_dir, ALICE)
    assert state.get("case_id") is None and state.get("answers") == {} and state.get("step") is None
    # Carrying on afterwards does not bring the case back.
    await alice.send(TextInput("2026-11-20 14:30"))
    await alice.send(ButtonPress("_continue"))
    with open_db(data_dir) as db:
        assert db.execute("SELECT count(*) FROM cases WHERE id = ?", (case_id,)).fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM answers WHERE case_id = ?", (case_id,)).fetchone() == (0,)
