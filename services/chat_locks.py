"""The per-chat lock: one chat's events one after another, every chat's lock in one place.

The conversation service holds a chat's lock around each event it applies. A platform whose
update needs work before the event exists (Telegram downloads a photo, waits for an album's last
part) holds the same lock around the whole update, so a later message cannot overtake the
download; the service's own hold inside it is then a no-op, because the lock is re-entrant within
the task that holds it. Waiters are woken first come, first served (asyncio.Lock), which keeps a
chat's updates in the order they arrived.
"""
from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

ChatKey = tuple[str, str]


class _ChatLock:
    """An asyncio.Lock that knows which task holds it."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.owner: asyncio.Task[object] | None = None


class ChatLocks:
    """One lock per (platform, chat), dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[ChatKey, _ChatLock] = weakref.WeakValueDictionary()

    @asynccontextmanager
    async def hold(self, platform: str, chat: str) -> AsyncIterator[None]:
        key = (platform, chat)
        held = self._locks.get(key)
        if held is None:
            held = _ChatLock()
            self._locks[key] = held
        task = asyncio.current_task()
        if task is not None and held.owner is task:
            yield  # this task holds it already (the platform's hold around the service's)
            return
        async with held.lock:
            held.owner = task
            try:
                yield
            finally:
                held.owner = None
