"""The reminder loop: claims due reminder rows, sends each through the person's platform, marks it sent.

The database is the schedule, so the loop needs nothing else running and forgets nothing on a
restart: a reminder that fell due while the bot was down is simply due on the first pass after it
starts, and goes out once.

Crash guarantee: **at least once.** A row is claimed (pending → claimed, in its own committed
transaction), delivered, then marked sent. A crash after delivering and before marking leaves the
row claimed; once its claim is older than the lease (10 minutes by default) the next pass claims
it again and it is delivered a second time. We prefer that to at-most-once because a lost
check-in silently ends the follow-up (the person never hears that the deadline passed), while a
duplicate is harmless: both copies carry buttons bound to the same reminder id, the first answer
wins and a tap on the other copy is told it was already answered. The window is the few
milliseconds between the outbox returning and the commit; an adapter whose outbox queues the
check-in (Telegram, WeChat) closes it: the commit of the check-in's rows marks the row sent
(services.delivery.Handover), so only the outbox may send it again. A row whose claim expired
`max_attempts` times is given up as failed, so a reminder that crashes the process cannot loop.

Rate: deliveries are spread to at most `rate_per_second` messages per second (Telegram allows
about 30 per second per bot), so a backlog after downtime does not trip platform limits. Each
message reserves the next 1/rate s, and the time spent composing and sending counts toward it, so
a backlog goes out at the rate itself rather than at rate minus the work.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from engine.replies import Reply
from services.delivery import HANDOVER, Handover, Outboxes
from storage.errors import log_failure
from storage.protocols import ReminderRow, ReminderStore, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Send:
    """Deliver these replies now."""

    replies: list[Reply]


@dataclass(frozen=True)
class Defer:
    """Not now (the person's night): make the row pending again with a later due time."""

    due_at: datetime
    sched_at: datetime


@dataclass(frozen=True)
class Drop:
    """Never: the case moved on (resolved, closed, escalated elsewhere) since it was scheduled."""

    reason: str


Decision = Send | Defer | Drop


class Composer(Protocol):
    """Turns a due reminder into what to do with it (the follow-up feature implements it)."""

    async def compose(self, reminder: ReminderRow, user: User, now: datetime) -> Decision: ...


@dataclass(frozen=True)
class SchedulerConfig:
    rate_per_second: float = 20.0
    batch_size: int = 50
    lease: timedelta = timedelta(minutes=10)
    max_attempts: int = 5
    poll_seconds: float = 1.0
    retry_after: timedelta = timedelta(minutes=5)


class ReminderScheduler:
    """One loop per process; several processes may share the database (each claims its own platforms)."""

    def __init__(
        self,
        store: ReminderStore,
        outboxes: Outboxes,
        composer: Composer,
        clock: Callable[[], datetime],
        config: SchedulerConfig = SchedulerConfig(),
        sleep: Callable[[float], Awaitable[None]] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if config.rate_per_second <= 0 or config.batch_size <= 0:
            raise ValueError("rate_per_second and batch_size must be positive")
        self.store = store
        self.outboxes = outboxes
        self.composer = composer
        self.clock = clock
        self.config = config
        self._sleep = sleep
        self._monotonic = monotonic
        self._free_at = 0.0
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, users: Collection[int] | None = None) -> None:
        """Run the loop in the background; `users` limits it to some people (the local chat's)."""
        if self.running:
            return
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._run(None if users is None else set(users)), name="reminders")

    async def stop(self) -> None:
        """Finish the reminder being sent, give the rest of the batch back, and end the loop."""
        if self._task is None:
            return
        self._stop.set()
        task, self._task = self._task, None
        try:
            await asyncio.wait_for(task, timeout=10)
        except asyncio.TimeoutError:
            log.warning("the reminder loop did not stop in time; its claims will be retried after the lease")

    async def _run(self, users: set[int] | None) -> None:
        while not self._stop.is_set():
            try:
                handled = await self.run_once(users)
            except Exception as exc:  # noqa: BLE001 - the next pass tries again
                log_failure(log, "reminder pass failed", exc)
                handled = 0
            if handled < self.config.batch_size:
                await self._pause(await self._idle_seconds(users))

    async def _idle_seconds(self, users: set[int] | None) -> float:
        """Until the next pending row is due, at most one poll interval (rows may be added meanwhile)."""
        try:
            next_due = await self.store.next_reminder_due(self.outboxes.platforms, users)
        except Exception:
            return self.config.poll_seconds
        if next_due is None:
            return self.config.poll_seconds
        return min(self.config.poll_seconds, max(0.01, (next_due - self.clock()).total_seconds()))

    async def _pause(self, seconds: float) -> None:
        if self._sleep is not None:
            await self._sleep(seconds)
            return
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    async def run_once(self, users: Collection[int] | None = None) -> int:
        """One pass: claim a batch of due rows and handle each; returns how many were claimed."""
        platforms = self.outboxes.platforms
        if not platforms:
            return 0
        now = self.clock()
        async with self.store.transaction() as tx:
            rows = await tx.claim_reminders(
                now,
                self.config.batch_size,
                platforms,
                lease_expired_before=now - self.config.lease,
                max_attempts=self.config.max_attempts,
                user_ids=users,
            )
        for index, row in enumerate(rows):
            if self._stop.is_set():
                await self._release(rows[index:])
                break
            started = self._monotonic()
            messages = await self._handle(row)
            if messages:
                self._free_at = max(self._free_at, started) + messages / self.config.rate_per_second
                await self._pause(max(0.0, self._free_at - self._monotonic()))
        return len(rows)

    async def _release(self, rows: list[ReminderRow]) -> None:
        """Give claimed rows back unchanged, so a shutdown does not make them wait for the lease."""
        async with self.store.transaction() as tx:
            for row in rows:
                await tx.defer_reminder(row.id, row.due_at, row.sched_at)

    async def _handle(self, row: ReminderRow) -> int:
        """Compose, deliver and mark one claimed row; returns the number of messages sent."""
        user = await self.store.get_user(row.user_id)
        outbox = self.outboxes.get(user.platform) if user else None
        if user is None or outbox is None:
            await self._release([row])
            return 0
        now = self.clock()
        try:
            decision = await self.composer.compose(row, user, now)
        except Exception:
            log.exception("could not compose reminder %d", row.id)
            await self._retry_or_fail(row, now)
            return 0
        if isinstance(decision, Drop):
            async with self.store.transaction() as tx:
                await tx.finish_reminder(row.id, "cancelled", now)
            log.info("reminder %d dropped: %s", row.id, decision.reason)
            return 0
        if isinstance(decision, Defer):
            async with self.store.transaction() as tx:
                await tx.defer_reminder(row.id, decision.due_at, decision.sched_at)
            return 0
        handover = Handover(row.id, now)
        token = HANDOVER.set(handover)
        try:
            delivered = await outbox.deliver(user.external_id, decision.replies)
        except Exception:
            log.exception("delivery of reminder %d on %s failed", row.id, user.platform)
            await self._retry_or_fail(row, now)
            return 0
        finally:
            HANDOVER.reset(token)
        # Between the outbox returning and this commit lies the at-least-once window (see above),
        # unless the adapter's outbox took the reminder over with its rows (`Handover`).
        done = self.clock()
        async with self.store.transaction() as tx:
            if delivered:
                if await tx.finish_reminder(row.id, "sent", done) or handover.taken:
                    data: dict[str, object] = {"reminder": row.id, "kind": row.kind}
                    if isinstance(delivered, str):
                        data["via"] = delivered
                    await tx.add_event(row.case_id, "reminder_sent", data, done)
            else:
                await handover.give_back(tx)  # taken over with rows the platform then refused
                await tx.finish_reminder(row.id, "failed", done)
        if not delivered:
            log.info("reminder %d: %s user unreachable", row.id, user.platform)
        return len(decision.replies) if delivered else 0

    async def _retry_or_fail(self, row: ReminderRow, now: datetime) -> None:
        async with self.store.transaction() as tx:
            if row.attempts >= self.config.max_attempts:
                await tx.finish_reminder(row.id, "failed", now)
            else:
                await tx.defer_reminder(row.id, now + self.config.retry_after, row.sched_at)
