"""Journal rows written with group commit: rows recorded while one write is under way go into the next
write together, so a burst of webhook requests or pushes costs a few transactions rather than one each.

A caller returns only once its rows are committed; if the write fails it raises, so the request fails
and the platform sends the update again: a lost write never becomes a lost update.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from services.group_commit import GroupCommit
from storage.protocols import InboundUpdate, Store


class JournalWriter:
    """Writes journal rows for one platform, batching the callers that wait for the same turn."""

    def __init__(self, store: Store, clock: Callable[[], datetime], platform: str) -> None:
        self.store = store
        self.clock = clock
        self.platform = platform
        self._commits = GroupCommit[InboundUpdate](self._write)

    async def record(self, rows: Sequence[InboundUpdate]) -> None:
        """Return once `rows` are committed; raise if the write failed."""
        if rows:
            await self._commits.add(rows)

    async def _write(self, rows: list[InboundUpdate]) -> None:
        async with self.store.transaction() as tx:
            await tx.journal_updates(self.platform, rows, self.clock())
