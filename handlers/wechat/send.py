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
            if self.held.of(openid):
                await self.held.hold(openid, bodies, WINDOW)
                return Sent.HELD
            return await self._send(openid, bodies, hold_outside)

    async def _send(self, openid: str, bodies: list[dict[str, object]], hold_outside: bool) -> Sent:
        for index, body in enumerate(bodies):
            try:
                await self._one(openid, body)
            except WeChatError as exc:
                if exc.unreachable:
                    log.info("custom message: person unreachable (%d)", exc.code)
                    return Sent.UNREACHABLE
                if exc.holds and not hold_outside and index == 0:
                    return Sent.OUTSIDE
                if not (exc.holds or exc.busy):
                    raise
                await self.held.hold(openid, bodies[index:], WINDOW if exc.holds else BUSY)
                return Sent.HELD
            except (TimeoutError, aiohttp.ClientError) as exc:
                log.warning("custom message failed (%s); held for the next retry pass", type(exc).__name__)
                await self.held.hold(openid, bodies[index:], BUSY)
                return Sent.HELD
        return Sent.SENT

    async def _one(self, openid: str, body: dict[str, object]) -> None:
        """One message; a busy answer is retried a few times before it counts."""
        for attempt in range(self.policy.busy_attempts):
            try:
                await self.api.send_custom(openid, body)
                return
            except WeChatError as exc:
                if not exc.busy or attempt + 1 >= self.policy.busy_attempts:
                    raise
                await asyncio.sleep(self.policy.busy_backoff * 2**attempt)

    async def flush(self, openid: str) -> bool:
        """Send what is held for the person, oldest first; True when nothing is left held."""
        async with self.lock(openid):
            for held in self.held.of(openid):
                try:
                    await self._one(openid, held.body)
                except WeChatError as exc:
                    if exc.unreachable:
                        await self.held.release(openid, [h.id for h in self.held.of(openid)])
                        return True
                    if exc.holds or exc.busy:
                        return False
                    log.warning("a held message was refused (%d); dropped", exc.code)
                except (TimeoutError, aiohttp.ClientError):
                    return False
                await self.held.release(openid, [held.id])
            return not self.held.of(openid)

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
        passes = 0
        while True:
            await asyncio.sleep(self.policy.retry_every)
            passes += 1
            for openid in self.held.busy_people():
                try:
                    await self.flush(openid)
                except Exception:
                    log.exception("retrying held messages failed")
            if passes % max(1, int(86400 / self.policy.retry_every)) == 0:
                with suppress(Exception):
                    await self.held.refresh()
