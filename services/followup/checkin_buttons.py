"""The person's answers to a check-in or note: resolved, not satisfied, no reply yet, later, stop.

An answer that ends the wait (not satisfied, or no reply at the last deadline) offers the next rung
of the escalation ladder, or says there is none.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.answers import small_number
from engine.replies import Button, Reply
from services import lifecycle
from services.followup.checkins import SNOOZE_DAYS, channel_label, deadline_of, deadline_what
from services.followup.due import in_days
from services.followup.escalation import escalation_replies, escalation_targets, evidence_items
from services.followup.parts import Parts, case_done, done_or_stale
from services.followup.texts import fmt_when, ft
from services.guard import guard_case
from services.texts import st
from storage.protocols import CaseRow, NewReminder, ReminderRow, ReminderTx

if TYPE_CHECKING:
    from services.conversation import Context

CHECKIN_ACTIONS = frozenset({"res", "uns", "nor", "stop", *(str(d) for d in SNOOZE_DAYS)})
# Statuses in which the person is deciding whether to escalate.
DECIDING = frozenset({"unsatisfied", "no_reply"})


class CheckinAnswers:
    """The handlers of the buttons under a check-in, a note, or the end of the ladder."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts

    async def btn_checkin(self, ctx: Context) -> list[Reply]:
        """_ci:<reminder id>:<action> — an answer to a delivered check-in or note."""
        store = self.parts.store
        rid_text, _, action = ctx.arg.partition(":")
        rid = small_number(rid_text)
        if rid is None or action not in CHECKIN_ACTIONS:
            return [Reply(st("case.forged", ctx.lang))]
        reminder = await store.get_reminder(rid, ctx.user.id)
        case = await store.get_case(reminder.case_id, ctx.user.id) if reminder else None
        if reminder is None or case is None or reminder.kind not in ("checkin", "note"):
            return [Reply(st("case.forged", ctx.lang))]
        if reminder.status not in ("sent", "claimed") or reminder.data.get("channel") != case.channel:
            return [Reply(ft("stale", ctx.lang, id=case.id))]
        if case.status not in lifecycle.FOLLOWED:
            return case_done(case, ctx.lang)
        async with store.transaction() as tx:
            if not await tx.answer_reminder(reminder.id, ctx.now):
                return [Reply(ft("stale", ctx.lang, id=case.id))]
            if action == "res":
                await lifecycle.move(tx, case, "resolved", ctx.now, {"channel": case.channel})
                await tx.cancel_reminders(case.id, ctx.now)
                return [Reply(ft("answer.resolved", ctx.lang, id=case.id))]
            if action == "stop":
                return await self._close(tx, ctx, case)
            if action.isdigit():
                return await self._snooze(tx, ctx, case, reminder.kind, reminder.data, int(action))
            return await self._not_done(tx, ctx, case, reminder, unsatisfied=action == "uns")

    async def btn_snooze_case(self, ctx: Context) -> list[Reply]:
        """_snz:<case>:<days> — ask again later, after an escalation offer or at the end of the ladder."""
        case_text, _, days_text = ctx.arg.partition(":")
        case, refusal = await guard_case(ctx, case_text)
        if case is None:
            return refusal
        if days_text not in {str(d) for d in SNOOZE_DAYS}:
            return [Reply(st("case.forged", ctx.lang))]
        if case.status not in DECIDING:
            return await done_or_stale(ctx)(case)
        reminders = await self.parts.store.case_reminders(case.id)
        tz = self.parts.person_tz(ctx.user, case)
        pending = [r for r in reminders if r.status == "pending"]
        if pending:
            return [Reply(ft("answer.snoozed", ctx.lang, when=fmt_when(pending[0].sched_at, tz, ctx.lang)))]
        last = next((r for r in reversed(reminders) if r.kind in ("checkin", "note")), None)
        data = dict(last.data) if last else {"channel": case.channel}
        kind = last.kind if last else "note"
        async with self.parts.store.transaction() as tx:
            return await self._snooze(tx, ctx, case, kind, data, int(days_text))

    async def btn_stop_case(self, ctx: Context) -> list[Reply]:
        """_stop:<case> — no more reminders; the case is closed."""
        case, refusal = await guard_case(ctx, ctx.arg, allowed=lifecycle.FOLLOWED, refuse=done_or_stale(ctx))
        if case is None:
            return refusal
        async with self.parts.store.transaction() as tx:
            return await self._close(tx, ctx, case)

    async def _close(self, tx: ReminderTx, ctx: Context, case: CaseRow) -> list[Reply]:
        await tx.cancel_reminders(case.id, ctx.now)
        await lifecycle.move(tx, case, "closed", ctx.now, {"reason": "stopped"})
        return [Reply(ft("answer.stopped", ctx.lang, id=case.id))]

    async def _snooze(
        self, tx: ReminderTx, ctx: Context, case: CaseRow, kind: str, data: dict[str, Any], days: int
    ) -> list[Reply]:
        tz = self.parts.person_tz(ctx.user, case)
        due = in_days(ctx.now, days, tz, self.parts.scale)
        again = NewReminder(case.id, ctx.user.id, kind, due.due_at, due.sched_at, {**data, "snoozed": True})
        await tx.add_reminder(again, ctx.now)
        await tx.add_event(case.id, "snoozed", {"days": days, "until": due.sched_at.isoformat()}, ctx.now)
        return [Reply(ft("answer.snoozed", ctx.lang, when=fmt_when(due.sched_at, tz, ctx.lang)))]

    async def _not_done(
        self, tx: ReminderTx, ctx: Context, case: CaseRow, reminder: ReminderRow, *, unsatisfied: bool
    ) -> list[Reply]:
        """"Replied, not satisfied", "no reply yet" or "still happening": wait for the next deadline or escalate."""
        catalog, store = self.parts.catalog, self.parts.store
        answers = await self.parts.answers(case.id)
        deadline = deadline_of(catalog, reminder.data)
        later = [r for r in await store.case_reminders(case.id) if r.status == "pending" and r.kind == "checkin"]
        final = unsatisfied or not later or bool(deadline and deadline.escalate_to)
        kind = "unsatisfied" if unsatisfied else "no_reply"
        data = {"channel": case.channel, "deadline": reminder.data.get("deadline")}
        tz = self.parts.person_tz(ctx.user, case)
        if not final:
            await tx.add_event(case.id, kind, data, ctx.now)
            nxt = later[0]
            nxt_deadline = deadline_of(catalog, nxt.data)
            what = deadline_what(catalog, nxt_deadline, ctx.lang) if nxt_deadline else ""
            return [Reply(ft("answer.wait_next", ctx.lang, when=fmt_when(nxt.sched_at, tz, ctx.lang), what=what))]
        await tx.cancel_reminders(case.id, ctx.now)
        await lifecycle.move(tx, case, kind, ctx.now, data)
        targets = escalation_targets(catalog, case.channel, answers, deadline)
        if not targets:
            label = channel_label(catalog, case.channel, answers, ctx.lang)
            buttons = (
                Button(ft("btn.snooze", ctx.lang, days=7), f"_snz:{case.id}:7"),
                Button(ft("btn.stop", ctx.lang), f"_stop:{case.id}"),
            )
            return [Reply(ft("answer.no_target", ctx.lang, channel=label), buttons)]
        await tx.add_event(case.id, "escalation_offered", {"to": targets[0], "options": targets}, ctx.now)
        evidence = evidence_items(await store.case_evidence(case.id))
        return escalation_replies(catalog, case, answers, evidence, targets, ctx.now, tz, ctx.lang)
