"""The outbox where several processes share the database: a reply queued behind another process's send.

A person can answer a question before the process that sent it has committed its "sent" mark; the
answer, handled by a second process, queues the next question behind a row that is still held.
The second process must send it as soon as the mark lands, not after the `settle` seconds its
background loop leaves fresh rows alone (5 s in production: seen as 5 s stalls in bench.scaling).
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from engine.replies import Reply
from services.outbox import OutboxPolicy, OutboxSender, reply_to_row, wall_clock
from storage import SqliteStore
from storage.sqlite_tx import SqliteTx

CHAT = "42"
SHARED = OutboxPolicy(settle=5.0, hold=5.0, idle_poll=30.0)


async def test_a_reply_queued_behind_another_processes_send_goes_out_once_that_send_is_marked(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path) as store:
        sent: list[tuple[str, float]] = []
        first_sending, first_may_return = asyncio.Event(), asyncio.Event()

        async def send_a(chat: str, reply: Reply) -> None:
            first_sending.set()
            await first_may_return.wait()
            sent.append((reply.text, time.monotonic()))

        async def send_b(chat: str, reply: Reply) -> None:
            sent.append((reply.text, time.monotonic()))

        a = OutboxSender(store, "telegram", send_a, SHARED, exclusive=False)
        b = OutboxSender(store, "telegram", send_b, SHARED, exclusive=False)
        async with store.transaction() as tx:
            (first,) = await tx.enqueue_replies("telegram", CHAT, [reply_to_row(Reply("question 1"))], wall_clock())
        sending = asyncio.create_task(a.drain_after_event(CHAT, [first]))
        await first_sending.wait()  # process A has claimed question 1 and is sending it
        async with store.transaction() as tx:
            (second,) = await tx.enqueue_replies("telegram", CHAT, [reply_to_row(Reply("question 2"))], wall_clock())
        draining = asyncio.create_task(b.drain_after_event(CHAT, [second]))
        await asyncio.sleep(0.05)
        assert sent == [], "question 2 waits behind question 1"
        released = time.monotonic()
        first_may_return.set()
        assert await sending == 1
        assert await asyncio.wait_for(draining, 3.0) == 1
        assert [text for text, _ in sent] == ["question 1", "question 2"]
        assert sent[1][1] - released < 1.0, "sent once question 1 was marked, not after the settle time"
        assert await store.chat_outbox("telegram", CHAT) == []


async def test_a_reply_whose_sent_mark_was_lost_is_marked_by_the_next_drain_not_sent_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database went away between the send and its "sent" mark: the row's hold runs out, but the
    next drain marks it first instead of sending it a second time."""
    async with SqliteStore(tmp_path) as store:
        sent: list[str] = []

        async def send(chat: str, reply: Reply) -> None:
            sent.append(reply.text)

        outbox = OutboxSender(store, "telegram", send, OutboxPolicy(settle=0.05, hold=0.1), exclusive=False)
        async with store.transaction() as tx:
            (row,) = await tx.enqueue_replies("telegram", CHAT, [reply_to_row(Reply("question 1"))], wall_clock())
        marking = SqliteTx.outbox_sent

        async def gone(self: SqliteTx, ids: object) -> int:
            raise ConnectionResetError("the database went away")

        monkeypatch.setattr(SqliteTx, "outbox_sent", gone)
        with pytest.raises(ConnectionResetError):
            await outbox.drain(CHAT, [row])
        monkeypatch.setattr(SqliteTx, "outbox_sent", marking)
        await asyncio.sleep(0.3)  # hold and settle have run out: the row is due again
        assert [r.id for r in await store.chat_outbox("telegram", CHAT)] == [row]

        assert await outbox.drain(CHAT, settled=True) == 0
        assert sent == ["question 1"] and await store.chat_outbox("telegram", CHAT) == []
