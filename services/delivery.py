"""Delivery of messages the bot starts itself (reminders), through whichever adapter serves the person."""
from __future__ import annotations

from typing import Protocol

from engine.replies import Reply


class Outbox(Protocol):
    """Implemented by each adapter: send replies to a person it knows by their platform id."""

    async def deliver(self, external_id: str, replies: list[Reply]) -> bool | str:
        """True when delivered; False when the person can't be reached (blocked the bot, unknown chat).

        A platform with more than one way to reach a person (WeChat) names the way it took instead
        of True; the case's timeline records it.
        """
        ...


class Outboxes:
    """The outboxes of the adapters running in this process, by platform name."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Outbox] = {}

    def register(self, platform: str, outbox: Outbox) -> None:
        self._by_platform[platform] = outbox

    def get(self, platform: str) -> Outbox | None:
        return self._by_platform.get(platform)

    @property
    def platforms(self) -> list[str]:
        return list(self._by_platform)
