"""Forged and stale button data is refused politely; /timezone; /case shows a readable timeline."""
from __future__ import annotations

import pytest

from app.bootstrap import App
from tests.followup.conftest import EN, ZH
from tests.followup.helpers import FakeClock, RecordingOutbox, case_of, reminders_of, send, tap, text
from tests.followup.test_filing_and_checkins import checkin_id, deliver_due, file_case


async def snapshot(app: App, who, case_id: int) -> tuple[object, ...]:
    case = await case_of(app, who, case_id)
    rows = await reminders_of(app, case_id)
    return case.status, case.channel, case.reference, [(r.id, r.status) for r in rows], len(await app.store.case_events(case_id))


@pytest.mark.parametrize(
    "value",
    ["_ci:{rid}:res", "_ci:{rid}:nor", "_ci:{rid}:7", "_ci:{rid}:stop", "_filed:{case}", "_filetmr:{case}",
     "_esc:{case}:cn_12300", "_snz:{case}:3", "_stop:{case}", "_noref:{case}"],
)
async def test_another_persons_ids_change_nothing_and_get_a_polite_answer(
    app: App, clock: FakeClock, outbox: RecordingOutbox, value: str
) -> None:
    victim = await file_case(app, ZH)
    await deliver_due(app, clock, 16)
    rid = checkin_id(outbox)
    before = await snapshot(app, ZH, victim)

    replies = await tap(app, EN, value.format(rid=rid, case=victim))
    assert replies and all(r.kind != "error" for r in replies)
    assert "isn't for one of your cases" in text(replies) or "can't find case" in text(replies)
    assert await snapshot(app, ZH, victim) == before


@pytest.mark.parametrize("value", ["_ci:x:res", "_ci:1:explode", "_ci:1", "_ci::", "_esc:1", "_snz:1:365", "_filed:abc", "_stop:"])
async def test_malformed_button_data_is_refused(app: App, clock: FakeClock, outbox: RecordingOutbox, value: str) -> None:
    await file_case(app, EN)
    await deliver_due(app, clock, 16)
    replies = await tap(app, EN, value)
    assert len(replies) == 1 and replies[0].kind != "error"
    assert (await case_of(app, EN, 1)).status == "waiting"


async def test_an_escalation_to_a_channel_off_the_ladder_is_refused(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await file_case(app, EN)
    await deliver_due(app, clock, 16)
    await tap(app, EN, f"_ci:{checkin_id(outbox)}:nor")
    for target in ("cn_police", "us_fcc", "nonsense", ""):
        assert "isn't for one of your cases" in text(await tap(app, EN, f"_esc:{case_id}:{target}"))
    assert (await case_of(app, EN, case_id)).channel == "cn_operator"


async def test_an_escalation_button_before_any_offer_is_stale(app: App) -> None:
    case_id = await file_case(app, EN)
    assert "already been answered" in text(await tap(app, EN, f"_esc:{case_id}:cn_12300"))
    assert (await case_of(app, EN, case_id)).status == "waiting"


async def test_a_check_in_from_before_an_escalation_is_stale(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await file_case(app, EN)
    await deliver_due(app, clock, 16)
    rid = checkin_id(outbox)
    await tap(app, EN, f"_ci:{rid}:nor")
    await tap(app, EN, f"_esc:{case_id}:cn_12300")
    assert "already been answered" in text(await tap(app, EN, f"_ci:{rid}:res"))
    assert (await case_of(app, EN, case_id)).status == "escalated"


async def test_buttons_of_a_finished_case_say_so(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await file_case(app, EN)
    await deliver_due(app, clock, 16)
    await tap(app, EN, f"_ci:{checkin_id(outbox)}:res")
    assert "already resolved" in text(await tap(app, EN, f"_stop:{case_id}"))
    assert "already resolved" in text(await tap(app, EN, f"_snz:{case_id}:3"))
    assert (await case_of(app, EN, case_id)).status == "resolved"


async def test_a_deleted_cases_reminders_go_with_it(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await file_case(app, EN)
    await tap(app, EN, f"_delete:{case_id}")
    assert await reminders_of(app, case_id) == []
    await deliver_due(app, clock, 20)
    assert outbox.sent == []


# --- /timezone ------------------------------------------------------------------------------

async def test_timezone_is_shown_set_and_reset(app: App) -> None:
    assert "not set" in text(await send(app, EN, "/timezone"))
    assert "Europe/London" in text(await send(app, EN, "/timezone europe/london"))
    user = await app.service.user_for(EN)
    assert user.timezone == "Europe/London"
    assert "don't know" in text(await send(app, EN, "/timezone Mars/Olympus"))
    assert "don't know" in text(await send(app, EN, "/timezone ../../etc/passwd"))
    assert (await app.service.user_for(EN)).timezone == "Europe/London"
    await send(app, EN, "/timezone reset")
    assert (await app.service.user_for(EN)).timezone is None


async def test_the_persons_timezone_moves_quiet_hours(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    # Filed at 11:00 Beijing = 03:00 London: with London set, the check-in waits for 09:00 London.
    await send(app, EN, "/timezone Europe/London")
    case_id = await file_case(app, EN)
    [checkin] = await reminders_of(app, case_id, "pending")
    assert checkin.sched_at.hour == 9 and checkin.sched_at.day == 12
    await deliver_due(app, clock, 15.1)
    assert outbox.sent == []
    await deliver_due(app, clock, 0.2)
    assert len(outbox.sent) == 1


# --- /case ----------------------------------------------------------------------------------

async def test_case_shows_the_timeline_in_words_in_both_languages(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await file_case(app, ZH)
    await deliver_due(app, clock, 16)
    await tap(app, ZH, f"_ci:{checkin_id(outbox)}:nor")
    await tap(app, ZH, f"_esc:{case_id}:cn_12300")
    timeline = text(await send(app, ZH, f"/case {case_id}"))
    for phrase in ("已提交给", "记下编号 GD2026112700123", "发送了跟进提醒", "期限已到，仍未答复", "已升级到工信部"):
        assert phrase in timeline
    assert "escalated" not in timeline and "reminder_sent" not in timeline

    await send(app, ZH, "/lang")
    english = text(await send(app, ZH, f"/case {case_id}"))
    assert "filed with" in english and "escalated to MIIT" in english and "no reply by the deadline" in english
