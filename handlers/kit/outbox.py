"""An adapter's reply outbox, the same for every platform: how it is set up on one process or several,
and how an event's replies go out after its commit (services/outbox.py does the sending).

Each event's transaction claims its replies for the adapter when the chat has nothing else queued
(`Result.held`): the adapter then sends them from memory, and no other process's loop can take them
meanwhile. Else they wait behind the chat's earlier replies and go out through the queue. A reply the
adapter may show another way (a question redrawn in place, a notice on a tapped button, WeChat's
passive reply) is kept from other processes while it tries: held rows by renewing their hold, rows
behind others by claiming them for the block (`shown_elsewhere`).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from typing import TYPE_CHECKING

from engine.replies import Reply
from services.conversation import Result
from services.outbox import OutboxPolicy, OutboxSender

if TYPE_CHECKING:
    from app.bootstrap import App

# Several processes on one PostgreSQL: a reply another process queued less than this long ago is that
# process's to send, and a killed process's claimed rows go out once this short hold has run out.
SHARED_OUTBOX_SETTLE = 5.0
SHARED_OUTBOX_HOLD = 5.0


def reply_outbox(app: App, platform: str, send: Callable[[str, Reply], Awaitable[None]], policy: OutboxPolicy) -> OutboxSender:
    """The platform's reply outbox, registered with the service: replies are queued with each event and
    claimed for this sender by the event's own transaction (`outbox_holds`).

    With DATABASE_URL several processes may share the database: no start-up takes every row back
    (others may be sending them), and a fresh row is left to the process that queued it."""
    shared = app.settings.database_url is not None
    if shared and policy.settle == 0:
        policy = replace(policy, settle=SHARED_OUTBOX_SETTLE, hold=SHARED_OUTBOX_HOLD)
    outbox = OutboxSender(app.store, platform, send, policy, exclusive=not shared)
    app.service.outbox_platforms.add(platform)
    app.service.outbox_holds[platform] = policy.hold
    return outbox


async def send_replies(outbox: OutboxSender, chat_id: str, result: Result, skip: int = 0) -> int:
    """Send an event's replies (but the first `skip`, shown another way and discarded): from memory
    when the event's transaction claimed them, else through the chat's queue, in order."""
    if result.held:
        return await outbox.send_held(chat_id, result.outbox[skip:], result.replies[skip:])
    return await outbox.drain_after_event(chat_id, result.outbox)


def shown_elsewhere(outbox: OutboxSender, chat_id: str, result: Result) -> AbstractAsyncContextManager[None]:
    """Keep other processes off an event's rows while the adapter shows them another way: rows the
    event's transaction claimed stay held (their hold renewed), others are claimed for the block."""
    if result.held:
        return outbox.holding(result.outbox)
    return outbox.shown_elsewhere(chat_id, result.outbox)
