"""The outbox's hold on PostgreSQL, with two processes' senders on one database: a send slower than
the hold must not be taken and sent again by the other process.

Under overload (bench.scaling) a send could outlast its row's hold; another process's loop then found
the row due and sent it too (0 to 13 doubled sends per 5,800 updates). The sender renews the hold
from a third of it on, for as long as the row is still its own claim.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from engine.replies import Reply
from services.outbox import OutboxPolicy, OutboxSender, reply_to_row, wall_clock
from storage.postgres import PostgresStore

CHAT = "42"
# Short, so the slow send below lasts more than four holds; the other process looks every 50 ms.
SHARED = OutboxPolicy(hold=0.3, settle=0.1, first_retry=0.05, idle_poll=0.05)
SLOW_SEND = 1.5


@dataclass
class TwoProcesses:
    """Process a's sender (slow to send) and process b's, each on its own pool of one database."""

    store_a: PostgresStore
    a: OutboxSender
    b: OutboxSender
    sent: list[tuple[str, str]] = field(default_factory=list)


@asynccontextmanager
async def two_processes(postgres_url: str) -> AsyncIterator[TwoProcesses]:
    async with PostgresStore(postgres_url, pool_size=3) as store_a, PostgresStore(postgres_url, pool_size=3) as store_b:
        sent: list[tuple[str, str]] = []

        async def slow_send(chat: str, reply: Reply) -> None:
            await asyncio.sleep(SLOW_SEND)
            sent.append(("a", reply.text))

        async def send_b(chat: str, reply: Reply) -> None:
            sent.append(("b", reply.text))

        a = OutboxSender(store_a, "telegram", slow_send, SHARED, exclusive=False)
        b = OutboxSender(store_b, "telegram", send_b, SHARED, exclusive=False)
        yield TwoProcesses(store_a, a, b, sent)


async def test_a_send_slower_than_the_hold_is_not_sent_again_by_another_process(postgres_url: str) -> None:
    async with two_processes(postgres_url) as both:
        await both.b.start()  # the other process's background loop, looking for due rows all along
        try:
            async with both.store_a.transaction() as tx:
                ids, held = await tx.enqueue_held(
                    "telegram", CHAT, [reply_to_row(Reply("question 1"))], wall_clock(), wall_clock()
                )
            assert held
            # Held until "now": without renewal the row is due to the other process within the send.
            assert await both.a.send_held(CHAT, ids, [Reply("question 1")]) == 1
            await asyncio.sleep(4 * SHARED.idle_poll)
        finally:
            await both.b.stop()
        assert both.sent == [("a", "question 1")]
        assert await both.store_a.chat_outbox("telegram", CHAT) == []


async def test_a_slow_drain_keeps_its_claim_too(postgres_url: str) -> None:
    """The same for rows claimed by `drain` (queued before, sent by the loop or after a restart)."""
    async with two_processes(postgres_url) as both:
        async with both.store_a.transaction() as tx:
            await tx.enqueue_replies("telegram", CHAT, [reply_to_row(Reply(f"reply {n}")) for n in (1, 2)], wall_clock())
        draining = asyncio.create_task(both.a.drain(CHAT))
        await asyncio.sleep(0.05)
        await both.b.start()
        try:
            assert await draining == 2
            await asyncio.sleep(4 * SHARED.idle_poll)
        finally:
            await both.b.stop()
        assert both.sent == [("a", "reply 1"), ("a", "reply 2")]
        assert await both.store_a.chat_outbox("telegram", CHAT) == []
