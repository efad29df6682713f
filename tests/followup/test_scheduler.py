"""The reminder loop: restarts, downtime, the crash-after-send guarantee, rate limits, unreachable people."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import load_settings
from engine.replies import Reply
from services.conversation import Who
from services.followup.scheduler import ReminderScheduler, SchedulerConfig
from tests.followup.conftest import EN, ZH
from tests.followup.helpers import BEIJING, FakeClock, RecordingOutbox, case_of, ready_case, reminders_of, tap, text
from tests.followup.test_filing_and_checkins import checkin_id, file_case


class Crash(BaseException):
    """The process dies: nothing after this line runs, no handler catches it."""


class CrashAfterSending(RecordingOutbox):
    """Delivers the message, then the process dies before the row is marked sent."""

    async def deliver(self, external_id: str, replies: list[Reply]) -> bool:
        await super().deliver(external_id, replies)
        raise Crash


@asynccontextmanager
async def running(data_dir: Path, clock: FakeClock, outbox: RecordingOutbox, **env: str) -> AsyncIterator[App]:
    """One life of the bot process on `data_dir`."""
    app = await build_app(load_settings({"DATA_DIR": str(data_dir), **env}), clock=clock)
    app.outboxes.register("telegram", outbox)
    try:
        yield app
    finally:
        await app.close()


async def test_a_restart_between_scheduling_and_the_due_time_sends_exactly_once(tmp_path: Path) -> None:
    clock, outbox = FakeClock(), RecordingOutbox()
    async with running(tmp_path, clock, outbox) as app:
        case_id = await file_case(app, ZH)
        await app.scheduler.run_once()
    clock.advance(days=15, hours=1)
    async with running(tmp_path, clock, outbox) as app:
        await app.scheduler.run_once()
        await app.scheduler.run_once()
    async with running(tmp_path, clock, outbox) as app:
        clock.advance(days=1)
        await app.scheduler.run_once()
        assert [r.status for r in await reminders_of(app, case_id)] == ["sent"]
    assert len(outbox.sent) == 1 and f"#{case_id}" in outbox.text()


async def test_after_downtime_each_missed_reminder_goes_out_once(tmp_path: Path) -> None:
    clock, outbox = FakeClock(), RecordingOutbox()
    async with running(tmp_path, clock, outbox) as app:
        first = await file_case(app, ZH, channel="cn_12300")  # two check-ins: 5 working days and 30 days
        second = await file_case(app, EN)
    clock.advance(days=45)
    async with running(tmp_path, clock, outbox) as app:
        await app.scheduler.run_once()
        await app.scheduler.run_once()
        statuses = [r.status for r in await reminders_of(app, first)] + [r.status for r in await reminders_of(app, second)]
    assert statuses == ["sent", "sent", "sent"]
    assert sorted(ext for ext, _ in outbox.sent) == sorted([ZH.external_id, ZH.external_id, EN.external_id])


async def test_a_reminder_missed_in_the_night_waits_for_the_morning(tmp_path: Path) -> None:
    clock, outbox = FakeClock(), RecordingOutbox()
    async with running(tmp_path, clock, outbox) as app:
        case_id = await file_case(app, ZH)
    clock.now = clock.now + timedelta(days=16)
    clock.now = clock.now.astimezone(BEIJING).replace(hour=2, minute=30).astimezone(clock.now.tzinfo)
    async with running(tmp_path, clock, outbox) as app:
        await app.scheduler.run_once()
        assert outbox.sent == []
        [waiting] = await reminders_of(app, case_id, "pending")
        assert waiting.sched_at.astimezone(BEIJING).hour == 9 and waiting.due_at == waiting.sched_at
        clock.now = waiting.due_at
        await app.scheduler.run_once()
    assert len(outbox.sent) == 1


async def test_a_crash_after_sending_means_one_more_delivery_after_the_lease(tmp_path: Path) -> None:
    """At least once: the row stays claimed, and a claim older than the lease is retried."""
    clock = FakeClock()
    crashing = CrashAfterSending()
    async with running(tmp_path, clock, crashing) as app:
        case_id = await file_case(app, ZH)
        clock.advance(days=15, hours=1)
        try:
            await app.scheduler.run_once()
        except Crash:
            pass
        else:
            raise AssertionError("the outbox should have crashed the pass")
        [claimed] = await reminders_of(app, case_id)
        assert claimed.status == "claimed" and len(crashing.sent) == 1

    outbox = RecordingOutbox()
    async with running(tmp_path, clock, outbox) as app:
        clock.advance(minutes=9)
        await app.scheduler.run_once()
        assert outbox.sent == []  # still inside the lease: maybe the first process is just slow
        clock.advance(minutes=2)
        await app.scheduler.run_once()
        await app.scheduler.run_once()
        assert len(outbox.sent) == 1 and outbox.text() == crashing.text()
        [sent] = await reminders_of(app, case_id)
        assert sent.status == "sent" and sent.attempts == 2

        # Both copies carry the same reminder id: the first answer wins, the other copy is stale.
        rid = checkin_id(outbox)
        assert checkin_id(crashing) == rid
        await tap(app, ZH, f"_ci:{rid}:7")
        assert "已经回答过" in text(await tap(app, ZH, f"_ci:{rid}:res"))
        assert (await case_of(app, ZH, case_id)).status == "waiting"


async def test_a_person_who_blocked_the_bot_is_not_retried(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await file_case(app, EN)
    outbox.reachable = False
    clock.advance(days=16)
    await app.scheduler.run_once()
    clock.advance(hours=1)
    await app.scheduler.run_once()
    [row] = await reminders_of(app, case_id)
    assert row.status == "failed" and row.attempts == 1


async def test_a_failing_adapter_is_retried_later_then_given_up(tmp_path: Path) -> None:
    class Flaky(RecordingOutbox):
        async def deliver(self, external_id: str, replies: list[Reply]) -> bool:
            raise ConnectionError("network down")

    clock = FakeClock()
    async with running(tmp_path, clock, Flaky()) as app:
        case_id = await file_case(app, EN)
        clock.advance(days=16)
        for _ in range(6):
            await app.scheduler.run_once()
            clock.advance(minutes=6)
        [row] = await reminders_of(app, case_id)
        assert row.status == "failed" and row.attempts == app.scheduler.config.max_attempts


async def test_reminders_wait_for_their_platforms_adapter(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    who = Who("wechat", "wx-1", "zh")
    case_id = await ready_case(app, who)
    await tap(app, who, f"_filed:{case_id}")
    clock.advance(days=16)
    await app.scheduler.run_once()
    assert [r.status for r in await reminders_of(app, case_id)] == ["pending"]
    wechat = RecordingOutbox()
    app.outboxes.register("wechat", wechat)
    await app.scheduler.run_once()
    assert len(wechat.sent) == 1 and outbox.sent == []


async def test_a_large_backlog_is_spread_to_the_rate_limit(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    for n in range(7):
        await file_case(app, EN if n % 2 else ZH)
    clock.advance(days=16)
    pauses: list[float] = []
    elapsed = [0.0]

    async def record(seconds: float) -> None:
        pauses.append(seconds)
        elapsed[0] += seconds

    scheduler = ReminderScheduler(
        app.store, app.outboxes, app.followup, clock, SchedulerConfig(rate_per_second=2, batch_size=5),
        sleep=record, monotonic=lambda: elapsed[0],
    )
    assert await scheduler.run_once() == 5
    assert await scheduler.run_once() == 2
    assert await scheduler.run_once() == 0
    assert len(outbox.sent) == 7
    assert pauses == [0.5] * 7  # one message each, at two per second: 3.5 s for the seven


async def test_the_time_spent_sending_counts_toward_the_rate(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    for n in range(4):
        await file_case(app, EN if n % 2 else ZH)
    clock.advance(days=16)
    elapsed = [0.0]
    pauses: list[float] = []
    deliver = outbox.deliver

    async def slow_deliver(external_id: str, replies: list[Reply]) -> bool:
        elapsed[0] += 0.2  # each delivery takes 0.2 s of the 0.5 s a message may use
        return await deliver(external_id, replies)

    async def record(seconds: float) -> None:
        pauses.append(seconds)
        elapsed[0] += seconds

    outbox.deliver = slow_deliver  # type: ignore[method-assign]
    scheduler = ReminderScheduler(
        app.store, app.outboxes, app.followup, clock, SchedulerConfig(rate_per_second=2, batch_size=5),
        sleep=record, monotonic=lambda: elapsed[0],
    )
    assert await scheduler.run_once() == 4
    assert len(outbox.sent) == 4
    assert pauses == pytest.approx([0.3] * 4)
    assert elapsed[0] == pytest.approx(2.0)  # four messages at two per second, not 2.8 s


async def test_the_background_loop_delivers_and_stops_cleanly(app: App, clock: FakeClock, outbox: RecordingOutbox) -> None:
    case_id = await file_case(app, EN)
    app.scheduler.config = SchedulerConfig(poll_seconds=0.05)
    await app.start_background()
    try:
        await asyncio.sleep(0.2)
        assert outbox.sent == []
        clock.advance(days=16)
        for _ in range(100):
            if outbox.sent:
                break
            await asyncio.sleep(0.02)
        assert len(outbox.sent) == 1
    finally:
        await app.stop_background()
    assert not app.scheduler.running
    assert [r.status for r in await reminders_of(app, case_id)] == ["sent"]


async def test_a_scaled_schedule_delivers_a_fifteen_day_check_in_in_seconds(tmp_path: Path) -> None:
    clock, outbox = FakeClock(), RecordingOutbox()
    async with running(tmp_path, clock, outbox, REMINDER_TIME_SCALE="86400") as app:
        case_id = await file_case(app, EN)
        [row] = await reminders_of(app, case_id, "pending")
        assert row.due_at - clock.now == timedelta(seconds=15)
        clock.advance(seconds=14)
        await app.scheduler.run_once()
        assert outbox.sent == []
        clock.advance(seconds=2)
        await app.scheduler.run_once()
        assert "12 Dec 2026" in outbox.text()
