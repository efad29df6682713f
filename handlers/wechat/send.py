"""Customer-service messages, with WeChat's refusals turned into what the shared outbox understands.

Replies of an event are queued in the outbox table in the event's own transaction and sent from
there, in order per person, after the commit (services/outbox.py). `send_reply` is the outbox's
`send` for WeChat. WeChat's answers map onto it:
- 45015 (more than 48 hours since the person's last message) and 45047 (too many messages since
  it): RetryLater for as long as it takes: the reply waits in the outbox until the person writes
  again, when the adapter makes it due (`until_they_write`);
- 45009 and other limits, 5xx, network trouble: an error the outbox retries with back-off;
- 43004 (unfollowed), 40003 (no such person): Undeliverable;
- anything else is a refusal of the message itself: Undeliverable too, with its code logged.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from engine.replies import Reply
from handlers.wechat.api import TOKEN_INVALID, WeChatApi, WeChatError
from handlers.wechat.render import Outgoing, render
from services.outbox import RetryLater, Undeliverable

log = logging.getLogger(__name__)

# A reply refused for the 48-hour window waits this long, i.e. until the person writes again.
UNTIL_THEY_WRITE = timedelta(days=3650)


class OutsideWindow(RetryLater):
    """45015 / 45047: WeChat takes no custom message to this person until they write."""

    def __init__(self) -> None:
        super().__init__(UNTIL_THEY_WRITE.total_seconds())


@dataclass(frozen=True)
class SendPolicy:
    """How often a busy answer (45009 …) is retried at once before the outbox's back-off takes over."""

    busy_attempts: int = 2
    busy_backoff: float = 0.5


class WeChatSender:
    """Sends customer-service messages to one person."""

    def __init__(self, api: WeChatApi | None, lang_of: Callable[[str], Awaitable[str]], policy: SendPolicy = SendPolicy()) -> None:
        self.api = api
        self.lang_of = lang_of
        self.policy = policy

    async def send_reply(self, openid: str, reply: Reply) -> None:
        """The outbox's `send`: one reply as the messages that show it."""
        await self.send(openid, render(reply, await self.lang_of(openid)))

    async def send(self, openid: str, messages: Sequence[Outgoing]) -> None:
        """Send in order; raises OutsideWindow, Undeliverable, or an error worth a retry."""
        if self.api is None:
            raise OutsideWindow()  # no credentials: only passive replies reach the person
        for message in messages:
            await self._one(openid, message.body)

    async def _one(self, openid: str, body: dict[str, object]) -> None:
        assert self.api is not None
        for attempt in range(self.policy.busy_attempts):
            try:
                await self.api.send_custom(openid, body)
                return
            except WeChatError as exc:
                if exc.holds:
                    raise OutsideWindow() from exc
                if exc.unreachable:
                    raise Undeliverable(f"WeChat error {exc.code}: person unreachable") from exc
                if exc.code in TOKEN_INVALID:
                    raise  # refused even after a fresh token: the credentials; retried later, not dropped
                if not exc.busy:
                    raise Undeliverable(f"WeChat error {exc.code}") from exc
                if attempt + 1 >= self.policy.busy_attempts:
                    raise
            await asyncio.sleep(self.policy.busy_backoff * 2**attempt)
