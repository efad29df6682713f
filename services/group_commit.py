"""Group commit: what callers hand in while one write is under way goes into the next write together,
so a burst of callers costs a few transactions rather than one each.

Each caller returns only once a write holding its items has committed, and gets that write's error if
it failed: the outbox's "sent" marks and the update journal both wait for their rows this way.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """Runs `write` over the items of every caller waiting for the same turn; one write at a time."""

    def __init__(self, write: Callable[[list[T]], Awaitable[None]]) -> None:
        self._write = write
        self._waiting: list[tuple[Sequence[T], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def add(self, items: Sequence[T]) -> None:
        """Return once a write with `items` in it has committed (even none: the next write); raise if it failed.

        The write goes on if the caller is cancelled: the other callers of its batch wait for it too."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((items, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        await asyncio.shield(done)

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self._write([item for items, _ in batch for item in items])
            except Exception as exc:  # noqa: BLE001 - every waiter of the batch gets the failure
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, done in batch:
                if not done.done():
                    done.set_result(None)
