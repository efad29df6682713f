"""Journal rows written with group commit: rows recorded while one write is under way go into the next
write together, so a burst of webhook requests or pushes costs a few transactions rather than one each.

A caller returns only once its rows are committed; if the write fails it raises, so the request fails
and the platform sends the update again: a lost write never becomes a lost update.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime

from storage.protocols import InboundUpdate, Store


class JournalWriter:
    """Writes journal rows for one platform, batching the callers that wait for the same turn."""

    def __init__(self, store: Store, clock: Callable[[], datetime], platform: str) -> None:
        self.store = store
        self.clock = clock
        self.platform = platform
        self._waiting: list[tuple[Sequence[InboundUpdate], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, rows: Sequence[InboundUpdate]) -> None:
        """Return once `rows` are committed; raise if the write failed."""
        if not rows:
            return
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((rows, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        await asyncio.shield(done)

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                async with self.store.transaction() as tx:
                    await tx.journal_updates(self.platform, [row for rows, _ in batch for row in rows], self.clock())
            except Exception as exc:  # noqa: BLE001 - every waiter of the batch gets the failure
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, done in batch:
                if not done.done():
                    done.set_result(None)
