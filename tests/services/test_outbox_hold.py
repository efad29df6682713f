"""The outbox's hold on PostgreSQL, with two processes' senders on one database: a send slower than
the hold must not be taken and sent again by the other process.

Under overload (bench.scaling) a send could outlast its row's hold; another process's loop then found
the row due and sent it too (0 to 13 doubled sends per 5,800 updates). The sender renews the hold
from a third of it on, for as long as the row is still its own claim.

Nothing here depends on how fast the machine is: both senders read one clock the test moves, process
a's send waits until the test lets it finish, and process b looks for due rows when the test says.
The hold "runs out" when the test moves the clock past it; the renewal, which runs on the event
loop's timer, is waited for in the database.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.replies import Reply
from services.outbox import OutboxPolicy, OutboxSender, reply_to_row, wall_clock
from storage.postgres import PostgresStore

CHAT = "42"
# A short hold, so the renewal (from a third of it on) comes soon in real time.
SHARED = OutboxPolicy(hold=0.3, settle=0.1, first_retry=0.05, idle_poll=0.05)
# Moving the clock this far puts any hold taken before it (and not renewed since) behind b's
# "settled" cut-off, so b would take the row.
HOLD_RUNS_OUT = timedelta(seconds=10 * SHARED.hold)
RENEWAL_TIMEOUT = 30.0  # seconds: a bound for a failing test only, however loaded the machine


@dataclass
class TwoProcesses:
    """Process a's sender (its send waits for `finish`) and process b's, each on its own pool of one
    database, both on the clock `now`."""

    store_a: PostgresStore
    a: OutboxSender
    b: OutboxSender
    now: list[datetime]
    sending: asyncio.Event
    finish: asyncio.Event
    sent: list[tuple[str, str]]
    tasks: list[asyncio.Task[int]] = field(default_factory=list)

    def clock(self) -> datetime:
        return self.now[0]

    def a_sends(self, sending: Coroutine[Any, Any, int]) -> asyncio.Task[int]:
        """Process a's send, in the background until the test lets it finish (cancelled if the test fails first)."""
        task = asyncio.create_task(sending)
        self.tasks.append(task)
        return task

    async def hold_runs_out_during_the_send(self) -> None:
        """Once a's send is under way, move the clock past every hold taken so far, and wait until a
        has renewed the hold of its rows from the new time on: without renewal they are due to b now."""
        await self.sending.wait()
        self.now[0] += HOLD_RUNS_OUT
        cut_off = self.now[0] - timedelta(seconds=SHARED.settle)
        try:
            async with asyncio.timeout(RENEWAL_TIMEOUT):
                while any(row.due_at <= cut_off for row in await self.store_a.chat_outbox("telegram", CHAT)):
                    await asyncio.sleep(SHARED.hold / 10)
        except TimeoutError:
            raise AssertionError("the hold of the rows being sent was not renewed") from None


@asynccontextmanager
async def two_processes(postgres_url: str) -> AsyncIterator[TwoProcesses]:
    async with PostgresStore(postgres_url, pool_size=3) as store_a, PostgresStore(postgres_url, pool_size=3) as store_b:
        now = [wall_clock()]
        sent: list[tuple[str, str]] = []
        sending, finish = asyncio.Event(), asyncio.Event()

        async def slow_send(chat: str, reply: Reply) -> None:
            sending.set()
            await finish.wait()
            sent.append(("a", reply.text))

        async def send_b(chat: str, reply: Reply) -> None:
            sent.append(("b", reply.text))

        a = OutboxSender(store_a, "telegram", slow_send, SHARED, lambda: now[0], exclusive=False)
        b = OutboxSender(store_b, "telegram", send_b, SHARED, lambda: now[0], exclusive=False)
        both = TwoProcesses(store_a, a, b, now, sending, finish, sent)
        try:
            yield both
        finally:
            for task in both.tasks:
                task.cancel()
            await asyncio.gather(*both.tasks, return_exceptions=True)


async def test_a_send_slower_than_the_hold_is_not_sent_again_by_another_process(postgres_url: str) -> None:
    async with two_processes(postgres_url) as both:
        async with both.store_a.transaction() as tx:
            ids, held = await tx.enqueue_held(
                "telegram", CHAT, [reply_to_row(Reply("question 1"))], both.clock(), both.clock()
            )
        assert held
        # Held until "now": without renewal the row is due to the other process within the send.
        sending = both.a_sends(both.a.send_held(CHAT, ids, [Reply("question 1")]))
        await both.hold_runs_out_during_the_send()
        assert await both.b.run_once() == 0, "the other process took a row being sent"
        both.finish.set()
        assert await sending == 1
        assert await both.b.run_once() == 0
        assert both.sent == [("a", "question 1")]
        assert await both.store_a.chat_outbox("telegram", CHAT) == []


async def test_a_slow_drain_keeps_its_claim_too(postgres_url: str) -> None:
    """The same for rows claimed by `drain` (queued before, sent by the loop or after a restart)."""
    async with two_processes(postgres_url) as both:
        async with both.store_a.transaction() as tx:
            await tx.enqueue_replies("telegram", CHAT, [reply_to_row(Reply(f"reply {n}")) for n in (1, 2)], both.clock())
        draining = both.a_sends(both.a.drain(CHAT))
        await both.hold_runs_out_during_the_send()
        assert await both.b.run_once() == 0, "the other process took a row being sent"
        both.finish.set()
        assert await draining == 2
        assert await both.b.run_once() == 0
        assert both.sent == [("a", "reply 1"), ("a", "reply 2")]
        assert await both.store_a.chat_outbox("telegram", CHAT) == []
