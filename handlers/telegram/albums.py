"""Albums: the photos of one media_group_id arrive as separate updates but are one piece of evidence.

Parts are collected until no new one has come for `window` seconds, then handed on together,
with all their update ids, as one event. Any other update of the same chat first flushes a
waiting album, so the person's messages keep their order.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from handlers.telegram.intake import FileRef
from handlers.telegram.order import PLATFORM
from services.chat_locks import ChatLocks
from services.conversation import Who


@dataclass(frozen=True)
class AlbumPart:
    update_id: int
    ref: FileRef
    who: Who


@dataclass
class _Album:
    group_id: str
    deadline: float
    parts: list[AlbumPart] = field(default_factory=list)


Flush = Callable[[int, list[AlbumPart]], Awaitable[None]]
Spawn = Callable[[Coroutine[Any, Any, None]], Any]


class AlbumCollector:
    """Holds at most one open album per chat. add() and drain() run under that chat's lock."""

    def __init__(self, window: float, flush: Flush, locks: ChatLocks, spawn: Spawn) -> None:
        self.window = window
        self._flush = flush
        self._locks = locks
        self._spawn = spawn
        self._open: dict[int, _Album] = {}

    def waiting(self, chat_id: int) -> bool:
        return chat_id in self._open

    async def add(self, chat_id: int, group_id: str, part: AlbumPart) -> None:
        album = self._open.get(chat_id)
        if album is not None and album.group_id != group_id:
            await self.drain(chat_id)
            album = None
        if album is not None and any(p.update_id == part.update_id for p in album.parts):
            return  # the same update twice (a replay and Telegram's redelivery): one copy is enough
        deadline = asyncio.get_running_loop().time() + self.window
        if album is None:
            album = _Album(group_id, deadline, [part])
            self._open[chat_id] = album
            self._spawn(self._when_quiet(chat_id, album))
        else:
            album.parts.append(part)
            album.deadline = deadline

    async def drain(self, chat_id: int) -> None:
        """Hand on the chat's open album now (before a later message of the same chat)."""
        album = self._open.pop(chat_id, None)
        if album is not None:
            await self._flush(chat_id, album.parts)

    async def _when_quiet(self, chat_id: int, album: _Album) -> None:
        loop = asyncio.get_running_loop()
        while (remaining := album.deadline - loop.time()) > 0:
            await asyncio.sleep(remaining)
        async with self._locks.hold(PLATFORM, str(chat_id)):
            if self._open.get(chat_id) is album:
                del self._open[chat_id]
                await self._flush(chat_id, album.parts)
