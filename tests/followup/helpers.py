"""Shared pieces of the follow-up tests: a settable clock, a recording outbox, a ready case, taps."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from app.bootstrap import App
from engine.events import ButtonPress, Command, Event, TextInput
from engine.replies import Reply
from services.conversation import Who
from storage.protocols import CaseRow, ReminderRow

BEIJING = ZoneInfo("Asia/Shanghai")
# Friday 27 November 2026, 11:00 in Beijing.
T0 = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)


class FakeClock:
    """The app's clock: stands still until a test moves it."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class RecordingOutbox:
    """An adapter's outbox that remembers what it delivered; `reachable=False` plays a blocked bot."""

    reachable: bool = True
    sent: list[tuple[str, list[Reply]]] = field(default_factory=list)

    async def deliver(self, external_id: str, replies: list[Reply]) -> bool:
        if not self.reachable:
            return False
        self.sent.append((external_id, replies))
        return True

    def buttons(self, index: int = -1) -> list[str]:
        return [b.value for r in self.sent[index][1] for b in r.buttons]

    def text(self, index: int = -1) -> str:
        return "\n".join(r.text for r in self.sent[index][1])


ANSWERS: dict[str, Any] = {
    "jurisdiction": "CN",
    "issue_type": "robocall",
    "caller_numbers": [{"raw": "138 0013 8000", "number": "+8613800138000", "kind": "mobile", "region": "CN", "display": "138 0013 8000"}],
    "own_operator": "china_mobile",
    "company": "某某贷款公司",
    "last_contact_at": "2026-11-20T14:30:00+08:00",
    "frequency": "several_per_day",
    "relationship": "never",
    "opted_out": "no",
    "voice_kind": "robot",
    "money_lost": "no",
    "codes_shared": "no",
    "harm": ["time"],
    "truth_confirmed": "yes",
}


async def ready_case(app: App, who: Who, channel: str = "cn_operator", **answers: Any) -> int:
    """A finished case of `who`, as the conversation leaves it: answers, draft, status ready."""
    now = app.service.clock()
    user = await app.service.user_for(who)
    values = {**ANSWERS, "channel": channel, **answers}
    draft = app.service.drafter.draft(0, values, [], now, user.lang)
    async with app.store.transaction() as tx:
        case_id = await tx.create_case(user.id, now, jurisdiction=values["jurisdiction"])
        for key, value in values.items():
            await tx.save_answer(case_id, key, value, now)
        await tx.update_case(case_id, now, status="ready", issue_type=values["issue_type"], channel=channel, draft=draft.text)
        await tx.add_event(case_id, "created", {}, now)
        await tx.add_event(case_id, "ready", {"channel": channel}, now)
    return case_id


async def send(app: App, who: Who, event: Event | str) -> list[Reply]:
    """One event from the person: a string is typed text (or a /command), an Event goes as is."""
    if isinstance(event, str):
        if event.startswith("/"):
            name, _, arg = event[1:].partition(" ")
            event = Command(name, arg)
        else:
            event = TextInput(event)
    return await app.service.handle(who, event)


async def tap(app: App, who: Who, value: str) -> list[Reply]:
    return await app.service.handle(who, ButtonPress(value))


def text(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def values(replies: list[Reply]) -> list[str]:
    return [b.value for r in replies for b in r.buttons]


async def case_of(app: App, who: Who, case_id: int) -> CaseRow:
    user = await app.service.user_for(who)
    case = await app.store.get_case(case_id, user.id)
    assert case is not None
    return case


async def reminders_of(app: App, case_id: int, status: str | None = None) -> list[ReminderRow]:
    rows = await app.store.case_reminders(case_id)
    return [r for r in rows if status is None or r.status == status]


async def events_of(app: App, case_id: int) -> list[str]:
    return [e.kind for e in await app.store.case_events(case_id)]
