"""Filing a case, the check-ins that follow, and every answer to them, through the conversation service."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.bootstrap import App
from tests.followup.conftest import EN, ZH
from tests.followup.helpers import (
    BEIJING,
    FakeClock,
    RecordingOutbox,
    case_of,
    events_of,
    ready_case,
    reminders_of,
    send,
    tap,
    text,
    values,
)


async def file_case(app: App, who=ZH, channel: str = "cn_operator", reference: str | None = "GD2026112700123") -> int:
    case_id = await ready_case(app, who, channel)
    await tap(app, who, f"_filed:{case_id}")
    if reference:
        await send(app, who, reference)
    return case_id


async def deliver_due(app: App, clock: FakeClock, days: float) -> None:
    clock.advance(days=days)
    await app.scheduler.run_once()


def checkin_id(outbox: RecordingOutbox, index: int = -1) -> int:
    return int(next(v for v in outbox.buttons(index) if v.startswith("_ci:")).split(":")[1])


# --- filing ---------------------------------------------------------------------------------

async def test_filing_records_the_date_schedules_the_check_in_and_takes_the_reference(app: App, clock: FakeClock) -> None:
    case_id = await ready_case(app, ZH)
    replies = await tap(app, ZH, f"_filed:{case_id}")
    assert "2026年11月27日" in text(replies) and "中国移动" in text(replies)
    assert "2026年12月12日（周六）11:00" in text(replies)
    assert values(replies)[-1] == f"_noref:{case_id}" and replies[-1].expects == "text"

    case = await case_of(app, ZH, case_id)
    assert (case.status, case.filed_at, case.reference) == ("waiting", clock.now, None)
    assert await events_of(app, case_id) == ["created", "ready", "filed", "waiting"]
    [checkin] = await reminders_of(app, case_id, "pending")
    assert checkin.kind == "checkin" and checkin.sched_at.astimezone(BEIJING).day == 12

    saved = await send(app, ZH, "GD2026112700123")
    assert "GD2026112700123" in text(saved)
    assert (await case_of(app, ZH, case_id)).reference == "GD2026112700123"
    # The question is answered: the next text is ordinary conversation again.
    assert "GD2026112700123" not in text(await send(app, ZH, "hello"))


async def test_a_bad_reference_is_asked_again_and_skip_leaves_none(app: App) -> None:
    case_id = await ready_case(app, ZH)
    await tap(app, ZH, f"_filed:{case_id}")
    again = await send(app, ZH, "工单号是什么我忘了")
    assert values(again) == [f"_noref:{case_id}"]
    assert "没有编号" in text(await tap(app, ZH, f"_noref:{case_id}"))
    assert (await case_of(app, ZH, case_id)).reference is None


async def test_typing_skip_also_skips_the_reference(app: App) -> None:
    case_id = await ready_case(app, EN)
    await tap(app, EN, f"_filed:{case_id}")
    assert "no reference" in text(await send(app, EN, "skip"))
    assert (await case_of(app, EN, case_id)).reference is None


async def test_slash_filed_with_a_reference_files_in_one_step(app: App) -> None:
    case_id = await ready_case(app, EN)
    replies = await send(app, EN, f"/filed {case_id} GD-7788")
    assert "GD-7788" in text(replies) and "Skip" not in text(replies)
    case = await case_of(app, EN, case_id)
    assert case.status == "waiting" and case.reference == "GD-7788"
    assert "already" in text(await send(app, EN, f"/filed {case_id}"))
    assert len(await reminders_of(app, case_id, "pending")) == 1


async def test_slash_filed_without_a_number_uses_the_only_ready_case(app: App) -> None:
    case_id = await ready_case(app, EN)
    await send(app, EN, "/filed")
    assert (await case_of(app, EN, case_id)).status == "waiting"
    assert "/filed 3" in text(await send(app, EN, "/filed"))


async def test_a_case_in_progress_cannot_be_filed(app: App) -> None:
    user = await app.service.user_for(EN)
    async with app.store.transaction() as tx:
        case_id = await tx.create_case(user.id, app.service.clock())
    assert "isn't finished" in text(await send(app, EN, f"/filed {case_id}"))
    assert await reminders_of(app, case_id) == []


async def test_remind_me_tomorrow_sends_the_filing_question_again_next_day(
    app: App, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    case_id = await ready_case(app, EN)
    replies = await tap(app, EN, f"_filetmr:{case_id}")
    assert "Sat 28 Nov 2026, 11:00" in text(replies)
    await deliver_due(app, clock, 0.9)
    assert outbox.sent == []
    await deliver_due(app, clock, 0.2)
    assert outbox.buttons() == [f"_filed:{case_id}", f"_later:{case_id}", f"_filetmr:{case_id}"]
    assert "isn't filed" in outbox.text()


async def test_a_file_reminder_is_dropped_once_the_case_is_filed(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await ready_case(app, EN)
    await tap(app, EN, f"_filetmr:{case_id}")
    await tap(app, EN, f"_filed:{case_id}")
    await deliver_due(app, clock, 2)
    assert outbox.sent == []
    assert [r.kind for r in await reminders_of(app, case_id, "cancelled")] == ["file"]


# --- check-ins ------------------------------------------------------------------------------

async def test_the_check_in_arrives_at_the_deadline_with_the_filing_details(
    app: App, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    case_id = await file_case(app)
    await deliver_due(app, clock, 14.9)
    assert outbox.sent == []
    await deliver_due(app, clock, 0.2)
    [(external_id, replies)] = outbox.sent
    assert external_id == ZH.external_id
    body = text(replies)
    assert f"#{case_id}" in body and "2026年11月27日" in body and "GD2026112700123" in body and "15日" in body
    rid = checkin_id(outbox)
    assert outbox.buttons() == [f"_ci:{rid}:{a}" for a in ("res", "uns", "nor", "1", "3", "7", "stop")]
    assert "reminder_sent" in await events_of(app, case_id)
    await app.scheduler.run_once()
    assert len(outbox.sent) == 1


async def test_resolved_ends_the_follow_up(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await file_case(app, EN)
    await deliver_due(app, clock, 16)
    replies = await tap(app, EN, f"_ci:{checkin_id(outbox)}:res")
    assert "resolved" in text(replies)
    assert (await case_of(app, EN, case_id)).status == "resolved"
    assert await reminders_of(app, case_id, "pending") == []


async def test_a_snooze_asks_again_after_that_many_days_and_only_once(
    app: App, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    case_id = await file_case(app, EN)
    await deliver_due(app, clock, 15)
    rid = checkin_id(outbox)
    replies = await tap(app, EN, f"_ci:{rid}:3")
    assert "Tue 15 Dec 2026, 11:00" in text(replies)
    assert "already been answered" in text(await tap(app, EN, f"_ci:{rid}:3"))
    [snoozed] = await reminders_of(app, case_id, "pending")
    assert snoozed.data["snoozed"] is True and snoozed.data["deadline"] == "cn_operator_reply"

    await deliver_due(app, clock, 2.9)
    assert len(outbox.sent) == 1
    await deliver_due(app, clock, 0.2)
    assert len(outbox.sent) == 2 and "check again today" in outbox.text()
    assert checkin_id(outbox) == snoozed.id
    assert (await case_of(app, EN, case_id)).status == "waiting"


async def test_stop_closes_the_case_and_cancels_what_was_scheduled(
    app: App, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    case_id = await file_case(app, EN, channel="cn_12300")
    await deliver_due(app, clock, 7)
    assert len(await reminders_of(app, case_id, "pending")) == 1
    assert "closed" in text(await tap(app, EN, f"_ci:{checkin_id(outbox)}:stop"))
    assert (await case_of(app, EN, case_id)).status == "closed"
    assert await reminders_of(app, case_id, "pending") == []
    await deliver_due(app, clock, 40)
    assert len(outbox.sent) == 1
    assert "closed" in (await events_of(app, case_id))[-1]


async def test_no_reply_before_the_last_deadline_waits_for_the_next_check_in(
    app: App, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    case_id = await file_case(app, EN, channel="cn_12300")
    await deliver_due(app, clock, 7)
    replies = await tap(app, EN, f"_ci:{checkin_id(outbox)}:nor")
    assert "still early" in text(replies) and "Sun 27 Dec 2026" in text(replies)
    assert (await case_of(app, EN, case_id)).status == "waiting"
    assert (await events_of(app, case_id))[-1] == "no_reply"


async def test_no_reply_at_the_operators_deadline_offers_12300_with_a_draft_citing_the_first_complaint(
    app: App, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    case_id = await file_case(app)
    await deliver_due(app, clock, 15.1)
    replies = await tap(app, ZH, f"_ci:{checkin_id(outbox)}:nor")
    assert (await case_of(app, ZH, case_id)).status == "no_reply"
    offer, draft, prompt = replies
    assert "12300" in offer.text and "工单号" in offer.text
    assert draft.kind == "draft"
    assert "GD2026112700123" in draft.text and "2026年11月27日" in draft.text and "中国移动" in draft.text
    assert values([prompt]) == [f"_esc:{case_id}:cn_12300", f"_snz:{case_id}:3", f"_stop:{case_id}"]
    assert (await events_of(app, case_id))[-2:] == ["no_reply", "escalation_offered"]


async def test_not_satisfied_offers_the_escalation_in_english_too(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await file_case(app, EN, reference="TK-1")
    await deliver_due(app, clock, 15.1)
    replies = await tap(app, EN, f"_ci:{checkin_id(outbox)}:uns")
    assert (await case_of(app, EN, case_id)).status == "unsatisfied"
    assert "12300" in text(replies) and "TK-1" in replies[1].text and "27 November 2026" in replies[1].text


async def test_filing_the_escalation_moves_the_case_to_12300_and_follows_it_up(
    app: App, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    case_id = await file_case(app)
    await deliver_due(app, clock, 15.1)
    await tap(app, ZH, f"_ci:{checkin_id(outbox)}:nor")
    replies = await tap(app, ZH, f"_esc:{case_id}:cn_12300")
    assert "12300" in text(replies) and values(replies) == [f"_noref:{case_id}"]
    await send(app, ZH, "MIIT-2026-555")

    case = await case_of(app, ZH, case_id)
    assert (case.status, case.channel, case.reference, case.filed_at) == ("escalated", "cn_12300", "MIIT-2026-555", clock.now)
    assert case.draft is not None and "GD2026112700123" in case.draft
    escalated = [e for e in await app.store.case_events(case_id) if e.kind == "escalated"][0]
    assert escalated.data["from"] == "cn_operator" and escalated.data["previous_reference"] == "GD2026112700123"
    assert [r.data["deadline"] for r in await reminders_of(app, case_id, "pending")] == ["cn_12300_accept", "cn_12300_reply"]
    # A second tap on the same offer changes nothing.
    assert "已经回答过" in text(await tap(app, ZH, f"_esc:{case_id}:cn_12300"))
    assert len(await reminders_of(app, case_id, "pending")) == 2

    # The next check-in is 12300's, and its escalation (none left) ends with a choice to wait or stop.
    await deliver_due(app, clock, 40)
    assert "12300" in outbox.text(-1)
    last = checkin_id(outbox, -1)
    replies = await tap(app, ZH, f"_ci:{last}:nor")
    assert values(replies) == [f"_snz:{case_id}:7", f"_stop:{case_id}"]
    assert (await case_of(app, ZH, case_id)).status == "no_reply"


async def test_after_the_ladders_end_waiting_a_week_asks_once_more(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await file_case(app, EN, channel="cn_12300")
    await deliver_due(app, clock, 40)
    await tap(app, EN, f"_ci:{checkin_id(outbox)}:uns")
    assert "ask again on" in text(await tap(app, EN, f"_snz:{case_id}:7"))
    assert len(await reminders_of(app, case_id, "pending")) == 1
    assert "ask again on" in text(await tap(app, EN, f"_snz:{case_id}:7"))
    assert len(await reminders_of(app, case_id, "pending")) == 1
    sent = len(outbox.sent)
    await deliver_due(app, clock, 7.1)
    assert len(outbox.sent) == sent + 1


async def test_a_channel_without_replies_gets_one_note_and_can_escalate(
    app: App, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    case_id = await ready_case(app, EN, "us_ftc_dnc", jurisdiction="US")
    replies = await tap(app, EN, f"_filed:{case_id}")
    assert "doesn't answer you individually" in text(replies)
    await send(app, EN, "FTC-123456")
    assert (await case_of(app, EN, case_id)).status == "filed"
    # Filed at 22:00 in New York: the note waits for 09:00 there, fourteen days on.
    await deliver_due(app, clock, 14.3)
    assert outbox.sent == []
    await deliver_due(app, clock, 0.2)
    note = outbox.text()
    assert "FTC-123456" in note and "report repeat calls" in note and "FCC Consumer Complaint Center" in note
    rid = checkin_id(outbox)
    assert outbox.buttons() == [f"_ci:{rid}:res", f"_ci:{rid}:uns", f"_ci:{rid}:7", f"_ci:{rid}:stop"]
    offer = await tap(app, EN, f"_ci:{rid}:uns")
    assert f"_esc:{case_id}:us_fcc" in values(offer)
    await deliver_due(app, clock, 30)
    assert len(outbox.sent) == 1


@pytest.mark.parametrize(
    ("issue", "named", "not_named"),
    [("robocall", ["12321", "12315"], []), ("rude_service", ["12315"], ["12321"])],
)
async def test_the_note_names_only_next_channels_that_take_this_kind_of_case(
    app: App, clock: FakeClock, outbox: RecordingOutbox, issue: str, named: list[str], not_named: list[str]
) -> None:
    case_id = await ready_case(app, EN, "cn_company", issue_type=issue)
    await tap(app, EN, f"_filed:{case_id}")
    await send(app, EN, "/skip")
    await deliver_due(app, clock, 30)
    note = outbox.text()
    assert "If it keeps happening, you can go on to:" in note
    assert all(n in note for n in named) and not any(n in note for n in not_named), note


# --- calendars the library does not fully know ---------------------------------------------

async def test_a_check_in_counted_on_an_estimated_holiday_calendar_says_so(
    app: App, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    clock.now = datetime(2027, 2, 4, 2, 0, tzinfo=timezone.utc)  # Thursday before Spring Festival, 10:00 Beijing
    filed = await tap(app, EN, f"_filed:{await ready_case(app, EN, 'cn_12300')}")
    assert "Wed 17 Feb 2027, 10:00" in text(filed) and "make-up working days for 2027" in text(filed)
    await deliver_due(app, clock, 13.1)
    assert "make-up working days for 2027 aren't known yet" in outbox.text()


async def test_past_the_holiday_data_working_days_are_monday_to_friday_and_nothing_crashes(
    app: App, clock: FakeClock, outbox: RecordingOutbox
) -> None:
    clock.now = datetime(2100, 12, 30, 2, 0, tzinfo=timezone.utc)
    case_id = await ready_case(app, ZH, "cn_12315")
    filed = await tap(app, ZH, f"_filed:{case_id}")
    assert "周一至周五" in text(filed)
    await deliver_due(app, clock, 12)
    assert "没有2101年的节假日数据" in outbox.text(0)
