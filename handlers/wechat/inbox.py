"""Journaling accepted pushes with group commit: pushes that arrive while one write is under way go
into the next write together, so a burst costs a few transactions rather than one per push.

A push is accepted (answered) only once its row is committed; if the write fails, the request
fails too and WeChat pushes it again, so a lost write never becomes a lost push.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from storage.protocols import InboundUpdate, Store


class JournalWriter:
    """Writes journal rows for one platform, batching those that wait for the same turn."""

    def __init__(self, store: Store, clock: Callable[[], datetime], platform: str) -> None:
        self.store = store
        self.clock = clock
        self.platform = platform
        self._waiting: list[tuple[InboundUpdate, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.writes = 0

    async def record(self, row: InboundUpdate) -> None:
        """Return once `row` is committed; raise if the write failed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        await asyncio.shield(done)

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self.store.transaction() as tx:
                    await tx.journal_updates(self.platform, [row for row, _ in batch], self.clock())
                self.writes += 1
            except Exception as exc:  # noqa: BLE001 - every waiter gets the failure
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, done in batch:
                if not done.done():
                    done.set_result(None)
