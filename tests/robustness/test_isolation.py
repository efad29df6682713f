"""One person's case is theirs alone: another person can't see, change, export or delete it.

Everything goes through the real conversation service on a real SQLite file, as built by build_app.
Each command and button the service knows (including ones added later, such as /export) is tried
with the other person's case id, in the forms a forged Telegram callback or a typed command can take.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

from app.bootstrap import App
from engine.events import ButtonPress, Command, FileInput, TextInput
from services.conversation import Who
from services.evidence_intake import file_item
from tests.robustness.people import (
    Person,
    case_snapshot,
    evidence_file,
    session_of,
    sha256_of,
)
from tests.robustness.walk import NOW, PLANS

ALICE = Who("telegram", "1001", "zh-hans")
MALLORY = Who("telegram", "2002", "en")

ALICE_PLAN = {**PLANS["cn_robocall"], "company": "Alice Secret Lending 7F3A", "contact_email": "alice.secret@example.com"}
ALICE_SECRETS = [
    "Alice Secret Lending 7F3A", "alice.secret@example.com", "13800138000", "138 0013 8000", "13600001234", "136 0000 1234"
]
MALLORY_PLAN = {
    **PLANS["us_fraud"], "company": "Mallory Co", "contact_phone": "+1 202 555 0188", "contact_email": "m@example.org"
}


async def alice_and_mallory(app: App, tmp_path: Path) -> tuple[Person, int, Person, int, list[str]]:
    """Alice finishes a case with two files; Mallory finishes his own, sending one of the same files."""
    phone = tmp_path / "alice-phone"
    alice_files = [evidence_file(phone, "a.png", b"alice-only"), evidence_file(phone, "shared.png", b"same bytes")]
    mallory_files = [evidence_file(tmp_path / "mallory-phone", "m.png", b"mallory-only"), alice_files[1]]
    alice, mallory = Person(app, ALICE), Person(app, MALLORY)
    alice_case, _ = await alice.complain(ALICE_PLAN, alice_files)
    if "filed" in app.service.commands:  # filing schedules reminders: rows whose ids buttons carry
        await alice.say(f"/filed {alice_case} 12321-REF-998")
    mallory_case, _ = await mallory.complain(MALLORY_PLAN, mallory_files)
    assert alice_case != mallory_case
    return alice, alice_case, mallory, mallory_case, [sha256_of(p) for p in alice_files]


def forged_attempts(app: App, case_id: int, other_ids: list[int]) -> list[Command | ButtonPress]:
    """Every command and service button aimed at `case_id` (and at ids of rows hanging off it, such as
    reminders), plus engine buttons that edit or delete."""
    service = app.service
    ids = [str(case_id), f"#{case_id}", f" {case_id} ", f"{case_id:03d}"] + [str(i) for i in other_ids]
    attempts: list[Command | ButtonPress] = [Command(name, arg) for name in sorted(service.commands.answered_here()) for arg in ids]
    attempts += [Command(name, f"{arg} REF-123") for name in sorted(service.commands.answered_here()) for arg in ids[:1]]
    attempts += [ButtonPress(f"{prefix}:{arg}") for prefix in sorted(service.commands.buttons) for arg in ids]
    attempts += [ButtonPress(f"{prefix}:{arg}:{n}") for prefix in sorted(service.commands.buttons) for arg in ids for n in (1, 7)]
    attempts += [ButtonPress(f"{prefix}:{case_id}", seq) for prefix in sorted(service.commands.buttons) for seq in (None, 0, 1, 10**9)]
    attempts += [ButtonPress(v) for v in ("_edit:company", "_edit:caller_numbers", "_ok", "_keep", "_continue", "_new_confirm")]
    attempts += [ButtonPress(f"_edit:{case_id}"), ButtonPress(f"_delete:{case_id}:{case_id}"), ButtonPress(f"_delete:-{case_id}")]
    return attempts


async def test_another_person_can_neither_see_nor_change_nor_delete_a_case(app: App, data_dir: Path, tmp_path: Path) -> None:
    alice, alice_case, mallory, mallory_case, _ = await alice_and_mallory(app, tmp_path)
    before = case_snapshot(data_dir, alice_case)
    assert before["cases"] and before["answers"] and len(before["evidence"]) == 2 and before["case_events"]

    listing = await mallory.say("/cases")
    assert f"#{mallory_case}" in listing and f"#{alice_case}" not in listing
    hanging = [row[0] for table, rows in before.items() if table not in ("cases", "files", "answers") for row in rows]
    attempts = forged_attempts(app, alice_case, hanging)
    assert {"case", "delete"} <= {a.name for a in attempts if isinstance(a, Command)}
    shared = {row[2] for row in case_snapshot(data_dir, mallory_case)["evidence"]}
    alice_only = [row[2] for row in before["evidence"] if row[2] not in shared]
    assert len(alice_only) == 1
    for attempt in attempts:
        replies = await mallory.send(attempt)
        said = "\n".join(r.text for r in replies)
        for secret in ALICE_SECRETS + alice_only:
            assert secret not in said, f"{attempt} showed Alice's {secret!r}"
        for reply in replies:
            assert not any(str(alice_case) in b.value for b in reply.buttons if b.value.startswith("_delete")), attempt
            assert not any(f"case-{alice_case}-" in a for a in getattr(reply, "attachments", ())), attempt

    assert case_snapshot(data_dir, alice_case) == before
    assert f"#{alice_case}" in await alice.say("/cases")
    assert "Alice Secret Lending 7F3A" in await alice.say(f"/case {alice_case}")


async def test_a_forged_delete_button_is_refused_and_the_owner_can_still_delete(app: App, data_dir: Path, tmp_path: Path) -> None:
    alice, alice_case, mallory, mallory_case, _ = await alice_and_mallory(app, tmp_path)
    before = case_snapshot(data_dir, alice_case)
    refusal = "\n".join(r.text for r in await mallory.send(ButtonPress(f"_delete:{alice_case}")))
    assert refusal.strip()
    assert case_snapshot(data_dir, alice_case) == before
    # The refusal is not a broken button: the same tap by the owner does erase the case.
    await alice.send(ButtonPress(f"_delete:{alice_case}"))
    assert case_snapshot(data_dir, alice_case)["cases"] == []
    assert case_snapshot(data_dir, mallory_case)["cases"]


async def test_the_same_id_on_another_platform_is_another_person(app: App, data_dir: Path, tmp_path: Path) -> None:
    alice, alice_case, _, _, _ = await alice_and_mallory(app, tmp_path)
    twin = Person(app, Who("console", ALICE.external_id, "zh"))
    before = case_snapshot(data_dir, alice_case)
    assert f"#{alice_case}" not in await twin.say("/cases")
    assert "Alice Secret Lending 7F3A" not in await twin.say(f"/case {alice_case}")
    await twin.send(ButtonPress(f"_delete:{alice_case}"))
    assert case_snapshot(data_dir, alice_case) == before


async def test_evidence_sent_at_the_same_moment_lands_only_in_the_senders_case(app: App, data_dir: Path, tmp_path: Path) -> None:
    alice, mallory = Person(app, ALICE), Person(app, MALLORY)
    await alice.complain(ALICE_PLAN, [evidence_file(tmp_path, "x.png", b"x")], stop_at="evidence")
    await mallory.complain(MALLORY_PLAN, [evidence_file(tmp_path, "y.png", b"y")], stop_at="evidence")
    alice_case, mallory_case = await alice.case_id(), await mallory.case_id()
    assert alice_case and mallory_case
    rounds = []
    for n in range(8):
        a = await file_item(evidence_file(tmp_path / "a", f"{n}.png", f"alice {n}".encode()), received_at=NOW)
        m = await file_item(evidence_file(tmp_path / "m", f"{n}.png", f"mallory {n}".encode()), received_at=NOW)
        rounds.append((a["sha256"], m["sha256"]))
        await asyncio.gather(
            alice.send(FileInput(items=(a,))),
            mallory.send(FileInput(items=(m,))),
            mallory.send(TextInput(f"pasted by mallory {n}")),
        )
    alice_shas = {row[2] for row in case_snapshot(data_dir, alice_case)["evidence"]}
    mallory_shas = {row[2] for row in case_snapshot(data_dir, mallory_case)["evidence"]}
    assert {a for a, _ in rounds} <= alice_shas and not ({m for _, m in rounds} & alice_shas)
    assert {m for _, m in rounds} <= mallory_shas and not ({a for a, _ in rounds} & mallory_shas)
    assert len(alice_shas) == 8 and len(mallory_shas) == 16
    alice_state, mallory_state = session_of(data_dir, ALICE), session_of(data_dir, MALLORY)
    assert {i["sha256"] for i in alice_state["answers"]["evidence"]} == alice_shas
    assert {i["sha256"] for i in mallory_state["answers"]["evidence"]} == mallory_shas
