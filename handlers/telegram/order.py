"""Ordering of updates: chats are handled concurrently, each chat's updates strictly in order.

PTB's concurrent updates make one slow chat (downloads, the 1 message/s limit) not hold up the
others; the processor below serialises by chat so a person's messages are applied in the order
they were sent. The lock is the conversation service's own per-chat lock (services/chat_locks.py),
held here around the whole update (a download included); the service's hold inside it is then a
no-op. The same lock is taken when an album is flushed after its window.
"""
from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from handlers.telegram.journal import UpdateJournal
from services.chat_locks import ChatLocks

PLATFORM = "telegram"  # the chat locks are keyed by platform too


def chat_of(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Runs up to `max_concurrent_updates` updates at once, but one chat's one after another.

    Update tasks are started in arrival order and asyncio.Lock wakes waiters first-come
    first-served, so each chat sees its updates in the order Telegram delivered them. Once an
    update's handling is over, the journal forgets it (journal.py).
    """

    def __init__(self, max_concurrent_updates: int, locks: ChatLocks, journal: UpdateJournal) -> None:
        super().__init__(max_concurrent_updates)
        self.locks = locks
        self.journal = journal

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        with self.journal.handling(update):
            chat_id = chat_of(update)
            if chat_id is None:
                await coroutine
                return
            async with self.locks.hold(PLATFORM, str(chat_id)):
                await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
