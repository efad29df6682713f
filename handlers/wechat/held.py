"""Messages that could not go out yet, kept in the store's outbox until they can (never dropped).

WeChat refuses customer-service messages more than 48 hours after the person's last message
(45015) or past its count limit (45047), and asks callers to slow down under load (45009 …).
Such a message is held, with everything after it for the same person so the order stays:
- **window**: it waits for the person to write (its row is due in the far future until then);
- **busy**: it is due at once, and the sender's retry pass sends it.

The rows live in the shared outbox table (storage/migrations/004_outbox.sql) under their own
platform name, "wechat_held", so they are in the same database as everything else (SQLite or
PostgreSQL) and survive restarts; the table keeps each person's rows in order.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.protocols import Store

PLATFORM = "wechat_held"
WINDOW = "window"
BUSY = "busy"
UNTIL_THEY_WRITE = timedelta(days=3650)
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class HeldMessage:
    id: int
    body: dict[str, Any]


class HeldMessages:
    """The held messages of every person; which people have any is mirrored in memory."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self._people: set[str] = set()

    async def open(self) -> None:
        """Learn who has held messages, and give back what a stopped sender had taken (busy ones due now)."""
        now = self.clock()
        self._people = set(await self.store.outbox_due(PLATFORM, now + UNTIL_THEY_WRITE * 2))

    def has(self, openid: str) -> bool:
        return openid in self._people

    async def hold(self, openid: str, bodies: list[dict[str, Any]], reason: str) -> None:
        """Keep these messages, after any already held for the person."""
        if not bodies:
            return
        now = self.clock()
        async with self.store.transaction() as tx:
            ids = await tx.enqueue_replies(PLATFORM, openid, [{"body": b} for b in bodies], now)
            if reason == WINDOW:
                await tx.defer_outbox(ids, now + UNTIL_THEY_WRITE)
        self._people.add(openid)

    async def take(self, openid: str, *, wrote: bool) -> list[HeldMessage]:
        """The person's held messages to send now, oldest first: all of them when they just wrote,
        else only those held for being busy (up to the first that waits for them)."""
        now = self.clock()
        async with self.store.transaction() as tx:
            if wrote:
                await tx.release_outbox(PLATFORM, now, openid)
            rows = await tx.claim_outbox(PLATFORM, openid, now, now + LEASE)
        return [HeldMessage(r.id, r.reply["body"]) for r in rows]

    async def sent(self, openid: str, ids: list[int]) -> None:
        async with self.store.transaction() as tx:
            await tx.outbox_sent(ids)
        if not await self.store.chat_outbox(PLATFORM, openid):
            self._people.discard(openid)

    async def keep(self, ids: list[int], reason: str) -> None:
        """Taken but not sent: wait again (for the person, or for the next pass)."""
        now = self.clock()
        async with self.store.transaction() as tx:
            await tx.defer_outbox(ids, now + UNTIL_THEY_WRITE if reason == WINDOW else now)

    async def busy_people(self) -> list[str]:
        return await self.store.outbox_due(PLATFORM, self.clock())

    async def erase(self, openid: str) -> None:
        """/delete: held messages may quote the case."""
        rows = await self.store.chat_outbox(PLATFORM, openid)
        async with self.store.transaction() as tx:
            await tx.outbox_sent([r.id for r in rows])
        self._people.discard(openid)
