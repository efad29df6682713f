"""The follow-up feature, assembled: filing, check-in answers, escalation, /timezone and the Composer.

It hands the command registry (services/commands.py) what it answers: commands (/filed,
/timezone), buttons (prefix:arg), the pending "reference" text, and the case-ready hook that asks
"have you filed it?" under a fresh draft. It is also the scheduler's Composer.

Button data names a case or a reminder by id; every handler asks services/guard.py whether the id
belongs to the person who tapped (forged data finds nothing) and whether the case is still in a
state where the button means something (stale data is refused politely).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from knowledge.catalog import Catalog
from services.followup.checkin_buttons import CheckinAnswers
from services.followup.composer import ReminderComposer
from services.followup.due import TimeScale
from services.followup.escalation_buttons import Escalating
from services.followup.filing import Filing
from services.followup.parts import Parts
from services.followup.scheduler import Decision
from services.followup.timezone import TimezoneCommand
from storage.protocols import ReminderRow, ReminderStore, User

if TYPE_CHECKING:
    from services.commands import CaseHook, Handler
    from services.conversation import ConversationService


class FollowUp:
    """The follow-up's handlers for the command registry, and the Composer of due reminders."""

    def __init__(
        self,
        service: ConversationService,
        store: ReminderStore,
        catalog: Catalog,
        scale: TimeScale = TimeScale(),
    ) -> None:
        parts = Parts(service, store, catalog, scale)
        self.filing = Filing(parts)
        self.answers = CheckinAnswers(parts)
        self.escalating = Escalating(parts, self.filing)
        self.composer = ReminderComposer(parts)
        self.cmd_filed = self.filing.cmd_filed
        self.cmd_timezone = TimezoneCommand(store, catalog)

    def buttons(self) -> dict[str, Handler]:
        """The follow-up's buttons by value prefix, for the command registry (services/commands.py)."""
        return {
            "_filed": self.filing.btn_filed,
            "_later": self.filing.btn_later,
            "_filetmr": self.filing.btn_file_tomorrow,
            "_noref": self.filing.btn_no_reference,
            "_ci": self.answers.btn_checkin,
            "_esc": self.escalating.btn_escalated,
            "_offer": self.escalating.btn_offer,
            "_snz": self.answers.btn_snooze_case,
            "_stop": self.answers.btn_stop_case,
        }

    def pending(self) -> dict[str, Handler]:
        """The typed answers it asks for, by the session's pending kind."""
        return {"reference": self.filing.on_reference}

    def case_ready(self) -> list[CaseHook]:
        """Asked once a case is finished: "have you filed it?" under the fresh draft."""
        return [self.filing.ask_filed]

    async def compose(self, reminder: ReminderRow, user: User, now: datetime) -> Decision:
        return await self.composer.compose(reminder, user, now)
