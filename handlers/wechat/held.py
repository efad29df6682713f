"""Messages that could not go out yet, kept in the store until they can (never dropped).

WeChat refuses customer-service messages more than 48 hours after the person's last message
(45015) or past its count limit (45047), and asks callers to slow down under load (45009 …).
Such a message is held, with everything after it for the same person so the order stays, and
goes out when the person writes again (window) or on the next retry pass (busy).

Until the shared store-backed outbox lands, held messages live in the update journal table under
their own platform name ("wechat_held"): that keeps them in the same database as everything else
(SQLite or PostgreSQL) without a migration. The journal prunes rows after a week, so held rows
are stamped afresh at start-up and daily (`refresh`).
"""
from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.protocols import InboundUpdate, Store

PLATFORM = "wechat_held"
WINDOW = "window"  # waits for the person to write
BUSY = "busy"  # waits for the next retry pass


@dataclass(frozen=True)
class HeldMessage:
    id: int
    openid: str
    body: dict[str, Any]
    reason: str


class HeldMessages:
    """The held messages of every person, in the store and mirrored in memory (one process per account)."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self._by_person: dict[str, list[HeldMessage]] = {}
        self._ids = itertools.count(time.time_ns() // 1000)

    async def open(self) -> None:
        """Load what earlier runs held, stamped afresh so the journal's pruning spares it."""
        await self.refresh()

    async def refresh(self) -> None:
        async with self.store.transaction() as tx:
            rows = await tx.claim_journal(PLATFORM)
            if rows:
                await tx.forget_updates(PLATFORM, [r.update_id for r in rows])
                fresh = [InboundUpdate(r.update_id, r.chat_id, r.payload) for r in rows]
                await tx.journal_updates(PLATFORM, fresh, self.clock())
        self._by_person = {}
        for row in rows:
            held = HeldMessage(row.update_id, str(row.chat_id), row.payload["body"], str(row.payload.get("reason") or WINDOW))
            self._by_person.setdefault(held.openid, []).append(held)
        if rows:
            newest = max(r.update_id for r in rows) + 1
            self._ids = itertools.count(max(newest, time.time_ns() // 1000))

    def of(self, openid: str) -> list[HeldMessage]:
        return list(self._by_person.get(openid, ()))

    def busy_people(self) -> list[str]:
        return [openid for openid, held in self._by_person.items() if any(h.reason == BUSY for h in held)]

    async def hold(self, openid: str, bodies: list[dict[str, Any]], reason: str) -> None:
        """Keep these messages, after any already held for the person."""
        if not bodies:
            return
        new = [HeldMessage(next(self._ids), openid, body, reason) for body in bodies]
        rows = [InboundUpdate(h.id, openid, {"body": h.body, "reason": reason}) for h in new]
        async with self.store.transaction() as tx:
            await tx.journal_updates(PLATFORM, rows, self.clock())
        self._by_person.setdefault(openid, []).extend(new)

    async def release(self, openid: str, ids: list[int]) -> None:
        """These went out: forget them."""
        if not ids:
            return
        async with self.store.transaction() as tx:
            await tx.forget_updates(PLATFORM, ids)
        gone = set(ids)
        left = [h for h in self._by_person.get(openid, []) if h.id not in gone]
        if left:
            self._by_person[openid] = left
        else:
            self._by_person.pop(openid, None)

    async def erase(self, openid: str) -> None:
        """/delete: held messages may quote the case."""
        async with self.store.transaction() as tx:
            await tx.forget_chat_updates(PLATFORM, openid)
        self._by_person.pop(openid, None)
