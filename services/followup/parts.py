"""What every follow-up handler works with: the store, the catalogue, the time scale, and the few
answers they share (the person's zone, scheduling planned reminders, "this case is over").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from engine.replies import Reply
from knowledge.catalog import Catalog
from services import lifecycle
from services.followup.checkins import Planned
from services.followup.due import TimeScale
from services.followup.texts import ft
from services.followup.timezone import person_tz
from services.guard import Refusal
from services.texts import st
from storage.protocols import CaseRow, NewReminder, ReminderStore, ReminderTx, User

if TYPE_CHECKING:
    from services.conversation import ConversationService, Context


@dataclass(frozen=True)
class Parts:
    """Shared by the handler classes of the feature, so each takes one argument, not four."""

    service: ConversationService
    store: ReminderStore
    catalog: Catalog
    scale: TimeScale

    def person_tz(self, user: User, case: CaseRow | None) -> tzinfo:
        return person_tz(self.catalog, user, case)

    async def answers(self, case_id: int) -> dict[str, Any]:
        return await self.store.case_answers(case_id)

    async def schedule(self, tx: ReminderTx, case: CaseRow, user: User, planned: list[Planned], now: datetime) -> None:
        """Write the reminders planned for a filing or an escalation."""
        for item in planned:
            reminder = NewReminder(case.id, user.id, item.kind, item.due.due_at, item.due.sched_at, item.data)
            await tx.add_reminder(reminder, now)


def case_done(case: CaseRow, lang: str) -> list[Reply]:
    """The case's follow-up is over (resolved or closed)."""
    return [Reply(ft("case_done", lang, id=case.id, status=st(f"status.{case.status}", lang)))]


def done_or_stale(ctx: Context) -> Refusal:
    """The refusal for a button of a case that moved on: over, or past the point the button was for."""

    async def refuse(case: CaseRow) -> list[Reply]:
        if case.status in lifecycle.FINISHED:
            return case_done(case, ctx.lang)
        return [Reply(ft("stale", ctx.lang, id=case.id))]

    return refuse
