"""The scheduler's Composer: a due reminder becomes a message to send, a wait for the person's
morning, or nothing, because the case moved on since the reminder was planned.
"""
from __future__ import annotations

from datetime import datetime

from services import lifecycle
from services.followup.checkins import checkin_replies, file_reminder_replies, note_replies
from services.followup.due import is_quiet, out_of_quiet_hours
from services.followup.parts import Parts
from services.followup.scheduler import Decision, Defer, Drop, Send
from storage.protocols import ReminderRow, User


class ReminderComposer:
    """Decides what becomes of each due reminder (services/followup/scheduler.py asks)."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts

    async def compose(self, reminder: ReminderRow, user: User, now: datetime) -> Decision:
        """What to do with a due reminder: send it, wait for the morning, or drop it."""
        catalog, scale = self.parts.catalog, self.parts.scale
        case = await self.parts.store.get_case(reminder.case_id, user.id)
        if case is None:
            return Drop("case gone")
        if reminder.kind == "file":
            if case.status != "ready":
                return Drop("already filed")
        elif case.status not in lifecycle.FOLLOWED:
            return Drop(f"case is {case.status}")
        elif reminder.data.get("channel") != case.channel:
            return Drop("case moved to another channel")
        tz = self.parts.person_tz(user, case)
        sched_now = scale.sched_now(reminder.sched_at, reminder.due_at, now)
        if is_quiet(sched_now, tz):
            # Late after downtime, and now it is night for the person: wait for their morning.
            morning = out_of_quiet_hours(sched_now, tz)
            return Defer(now + (morning - sched_now) / scale.k, morning)
        answers = await self.parts.answers(case.id)
        if reminder.kind == "file":
            return Send(file_reminder_replies(catalog, case, answers, user.lang))
        if reminder.kind == "note":
            return Send(note_replies(catalog, case, answers, reminder, tz, user.lang))
        return Send(checkin_replies(catalog, case, answers, reminder, tz, user.lang))
