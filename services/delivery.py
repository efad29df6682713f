"""Delivery of messages the bot starts itself (reminders), through whichever adapter serves the person."""
from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Protocol, cast

from engine.replies import Reply
from storage.protocols import ReminderTx, StoreTx


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


class Handover:
    """The claimed reminder a delivery is for, handed to the outbox with its check-in's rows.

    Why: a check-in has two ways to go out again after a crash, the outbox (its rows, once their
    hold runs out) and the reminder loop (the claim, once its lease runs out); a process killed
    mid-send would have it sent by both. So the transaction that commits the rows to the outbox
    also marks the reminder sent (`take`): from then on the outbox is its one owner, which sends
    the rows once, in order, in whichever process finds them. A send that fails before the message
    went takes the rows back out and gives the claim back (`give_back`) in one transaction, so the
    loop's retry, or its lease after a crash, still covers it: never lost, and sent once per claim.
    """

    def __init__(self, reminder_id: int, at: datetime) -> None:
        self.reminder_id = reminder_id
        self.at = at
        self.taken = False

    async def take(self, tx: StoreTx) -> None:
        if not self.taken:
            self.taken = await cast(ReminderTx, tx).finish_reminder(self.reminder_id, "sent", self.at)

    async def give_back(self, tx: StoreTx) -> None:
        if self.taken:
            await cast(ReminderTx, tx).return_reminder(self.reminder_id)
            self.taken = False


# The reminder being delivered (set by the reminder loop around `Outbox.deliver`), so the outbox's
# transaction can take it over without every platform's `deliver` passing it along.
HANDOVER: ContextVar[Handover | None] = ContextVar("reminder_handover", default=None)
