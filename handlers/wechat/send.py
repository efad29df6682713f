"""Customer-service messages to one person, in order, held rather than lost when WeChat says "not now".

All sending goes through `WeChatSender.send` (one small interface, so it can move onto the shared
store-backed outbox when that lands). Per person a lock keeps messages in order, and once one
message is held, the ones after it are held behind it.
"""
from __future__ import annotations

import asyncio
import enum
import logging
import weakref
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass

import aiohttp

from handlers.wechat.api import WeChatApi, WeChatError
from handlers.wechat.held import BUSY, WINDOW, HeldMessages
from handlers.wechat.render import Outgoing

log = logging.getLogger(__name__)


UNREACHABLE = "unreachable"  # why a message did not go out, beside held.WINDOW and held.BUSY


class Sent(enum.Enum):
    SENT = "sent"
    HELD = "held"  # kept; goes out when the person writes, or on a retry pass
    OUTSIDE = "outside"  # not sent and not held (the caller asked to choose another way)
    UNREACHABLE = "unreachable"  # the person unfollowed the account


@dataclass(frozen=True)
class SendPolicy:
    busy_attempts: int = 3
    busy_backoff: float = 1.0
    retry_every: float = 60.0


class WeChatSender:
    """Sends customer-service messages; what cannot go out now is held (held.py)."""

    def __init__(self, api: WeChatApi, held: HeldMessages, policy: SendPolicy = SendPolicy()) -> None:
        self.api = api
        self.held = held
        self.policy = policy
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._task: asyncio.Task[None] | None = None

    def lock(self, openid: str) -> asyncio.Lock:
        lock = self._locks.get(openid)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[openid] = lock
        return lock

    async def send(self, openid: str, messages: Sequence[Outgoing], *, hold_outside: bool = True) -> Sent:
        """Send in order. With hold_outside=False a closed 48-hour window returns OUTSIDE and holds nothing."""
        async with self.lock(openid):
            bodies = [m.body for m in messages]
            if self.held.has(openid):
                await self.held.hold(openid, bodies, WINDOW)
                return Sent.HELD
            for index, body in enumerate(bodies):
                failed = await self._try(openid, body)
                if failed is None:
                    continue
                if failed == UNREACHABLE:
                    return Sent.UNREACHABLE
                if failed == WINDOW and not hold_outside and index == 0:
                    return Sent.OUTSIDE
                await self.held.hold(openid, bodies[index:], failed)
                return Sent.HELD
            return Sent.SENT

    async def flush(self, openid: str, *, wrote: bool = True) -> bool:
        """Send what is held for the person, oldest first; True when nothing is left held."""
        async with self.lock(openid):
            taken = await self.held.take(openid, wrote=wrote)
            for index, held in enumerate(taken):
                try:
                    failed = await self._try(openid, held.body)
                except WeChatError as exc:
                    log.warning("a held message was refused for good (%d); dropped", exc.code)
                    failed = None
                if failed is not None and failed != UNREACHABLE:
                    await self.held.keep([h.id for h in taken[index:]], failed)
                    return False
                await self.held.sent(openid, [held.id])
            return not self.held.has(openid)

    async def _try(self, openid: str, body: dict[str, object]) -> str | None:
        """Send one message: None when sent, else why not (WINDOW, BUSY or UNREACHABLE).

        A busy answer is retried a few times first; a refusal that no waiting can cure raises.
        """
        for attempt in range(self.policy.busy_attempts):
            try:
                await self.api.send_custom(openid, body)
                return None
            except WeChatError as exc:
                if exc.unreachable:
                    log.info("custom message: person unreachable (%d)", exc.code)
                    return UNREACHABLE
                if exc.holds:
                    return WINDOW
                if not exc.busy:
                    raise
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                log.warning("custom message failed (%s)", type(exc).__name__)
            if attempt + 1 < self.policy.busy_attempts:
                await asyncio.sleep(self.policy.busy_backoff * 2**attempt)
        return BUSY

    # --- retrying what was held for being busy ----------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._retrying(), name="wechat-held-retry")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _retrying(self) -> None:
        while True:
            await asyncio.sleep(self.policy.retry_every)
            try:
                for openid in await self.held.busy_people():
                    await self.flush(openid, wrote=False)
            except Exception:
                log.exception("retrying held messages failed")
