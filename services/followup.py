"""The follow-up feature: filing, check-ins on the channel's deadlines, escalation, and /timezone.

It plugs into the conversation service through its extension points only: commands (/filed,
/timezone), buttons (prefix:arg), the pending "reference" text, and the case-ready hook that asks
"have you filed it?" under a fresh draft. It is also the scheduler's Composer: it turns a due
reminder row into the message to send (or defers it out of the person's night, or drops it
because the case moved on).

Button data names a case or a reminder by id; every handler checks that the id belongs to the
person who tapped (forged data finds nothing) and that the case is still in a state where the
button means something (stale data is refused politely).
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any, Awaitable, Callable
from zoneinfo import available_timezones

from engine.answers import small_number
from engine.replies import Button, Reply
from engine.validators import VALIDATORS
from knowledge.catalog import Catalog
from services import lifecycle
from services.checkins import (
    SNOOZE_DAYS,
    Planned,
    channel_label,
    checkin_deadlines,
    checkin_replies,
    deadline_of,
    deadline_what,
    file_reminder_replies,
    filing_buttons,
    note_replies,
    plan_followups,
    schedule_lines,
)
from services.conversation import Context, ConversationService
from services.escalation import allowed_targets, escalation_draft, escalation_replies, escalation_targets, evidence_items
from services.followup_texts import fmt_date, fmt_when, ft
from services.reminders import Decision, Defer, Drop, Send
from services.schedule import TimeScale, in_days, is_quiet, out_of_quiet_hours, zone
from services.texts import st
from storage.protocols import CaseRow, NewReminder, ReminderRow, ReminderStore, ReminderTx, User

log = logging.getLogger(__name__)

SKIP_WORDS = frozenset({"skip", "none", "no", "n/a", "-", "跳过", "没有", "无", "不知道"})
CHECKIN_ACTIONS = frozenset({"res", "uns", "nor", "stop", *(str(d) for d in SNOOZE_DAYS)})

Handler = Callable[[Context], Awaitable[list[Reply]]]


class FollowUp:
    """Registers the follow-up handlers on a conversation service and composes due reminders."""

    def __init__(
        self,
        service: ConversationService,
        store: ReminderStore,
        catalog: Catalog,
        scale: TimeScale = TimeScale(),
    ) -> None:
        self.service = service
        self.store = store
        self.catalog = catalog
        self.scale = scale

    def buttons(self) -> dict[str, Handler]:
        """The follow-up's buttons by value prefix, for the command registry (services/commands.py)."""
        return {
            "_filed": self.btn_filed,
            "_later": self.btn_later,
            "_filetmr": self.btn_file_tomorrow,
            "_noref": self.btn_no_reference,
            "_ci": self.btn_checkin,
            "_esc": self.btn_escalated,
            "_offer": self.btn_offer,
            "_snz": self.btn_snooze_case,
            "_stop": self.btn_stop_case,
        }

    def install(self) -> None:
        """Hook into the conversation service's extension points."""
        self.service.pending_handlers["reference"] = self.on_reference
        self.service.case_ready_hooks.append(self.ask_filed)

    # --- shared lookups -------------------------------------------------------------------

    def person_tz(self, user: User, case: CaseRow | None) -> tzinfo:
        """The person's zone: their /timezone, else their case's country, else the channel's."""
        fallback = "UTC"
        code = case.jurisdiction if case else None
        if not code and case and case.channel and self.catalog.has_channel(case.channel):
            code = self.catalog.channel(case.channel).jurisdiction
        if code:
            try:
                fallback = self.catalog.jurisdiction(code).timezone
            except KeyError:
                pass
        return zone(user.timezone, fallback)

    async def _case(self, ctx: Context, text: str) -> tuple[CaseRow | None, list[Reply]]:
        """The person's own case named by `text`, or a polite refusal."""
        text = text.lstrip("#").strip()
        case_id = small_number(text)
        if case_id is None:
            return None, [Reply(ft("forged", ctx.lang))]
        case = await self.store.get_case(case_id, ctx.user.id)
        if case is None:
            return None, [Reply(st("case.not_found", ctx.lang, id=text[:12]))]
        return case, []

    async def _answers(self, case_id: int) -> dict[str, Any]:
        return await self.store.case_answers(case_id)

    def _done(self, case: CaseRow, lang: str) -> list[Reply]:
        return [Reply(ft("case_done", lang, id=case.id, status=st(f"status.{case.status}", lang)))]

    # --- after the draft: has it been filed? ---------------------------------------------

    async def ask_filed(self, ctx: Context, case_id: int) -> list[Reply]:
        """Case-ready hook: put the filing question under the fresh draft."""
        case = await self.store.get_case(case_id, ctx.user.id)
        if case is None or not case.channel or not self.catalog.has_channel(case.channel):
            return []
        answers = await self._answers(case_id)
        channel = self.catalog.channel(case.channel)
        key = "ask.filed.tracks" if checkin_deadlines(channel) else "ask.filed.note"
        text = ft(key, ctx.lang, id=case_id, channel=channel_label(self.catalog, case.channel, answers, ctx.lang))
        return [Reply(text, filing_buttons(case_id, ctx.lang))]

    async def cmd_filed(self, ctx: Context) -> list[Reply]:
        """/filed ID [REFERENCE]: the case was filed (with its reference number, if given)."""
        case_text, _, reference = ctx.arg.strip().partition(" ")
        if not case_text:
            ready = [c for c in await self.store.list_cases(ctx.user.id) if c.status == "ready"]
            if len(ready) != 1:
                return [Reply(ft("filed.usage", ctx.lang))]
            case_text = str(ready[0].id)
        if not case_text.lstrip("#").isdigit():
            return [Reply(ft("filed.usage", ctx.lang))]
        return await self._mark_filed(ctx, case_text, reference.strip() or None)

    async def btn_filed(self, ctx: Context) -> list[Reply]:
        return await self._mark_filed(ctx, ctx.arg, None)

    async def _mark_filed(self, ctx: Context, case_text: str, reference: str | None) -> list[Reply]:
        case, refusal = await self._case(ctx, case_text)
        if case is None:
            return refusal
        answers = await self._answers(case.id)
        tz = self.person_tz(ctx.user, case)
        if case.status == "draft" or not case.channel or not self.catalog.has_channel(case.channel):
            return [Reply(ft("filed.not_ready", ctx.lang, id=case.id))]
        if case.status != "ready":
            return self._done_or_filed(ctx, case, answers)
        if reference is not None and not self._valid_reference(reference):
            reference = None
        planned = plan_followups(self.catalog, case.channel, ctx.now, tz, self.scale)
        async with self.store.transaction() as tx:
            data: dict[str, Any] = {"channel": case.channel}
            await lifecycle.move(tx, case, "filed", ctx.now, data, filed_at=ctx.now, reference=reference)
            if reference:
                await tx.add_event(case.id, "reference", {"reference": reference}, ctx.now)
            await tx.cancel_reminders(case.id, ctx.now, kinds=["file"])
            await self._schedule(tx, case, ctx.user, planned, ctx.now)
            if any(p.kind == "checkin" for p in planned):
                await lifecycle.move(tx, replace(case, status="filed"), "waiting", ctx.now, {"channel": case.channel})
        label = channel_label(self.catalog, case.channel, answers, ctx.lang)
        lines = [ft("filed.noted", ctx.lang, id=case.id, channel=label, date=fmt_date(ctx.now, tz, ctx.lang))]
        lines += schedule_lines(self.catalog, planned, tz, ctx.lang)
        replies = [Reply("\n".join(lines))]
        if reference:
            replies.append(Reply(ft("reference.saved", ctx.lang, id=case.id, reference=reference)))
        else:
            replies += await self._ask_reference(ctx, case.id)
        return replies

    async def _schedule(self, tx: ReminderTx, case: CaseRow, user: User, planned: list[Planned], now: datetime) -> None:
        for item in planned:
            reminder = NewReminder(case.id, user.id, item.kind, item.due.due_at, item.due.sched_at, item.data)
            await tx.add_reminder(reminder, now)

    async def _ask_reference(self, ctx: Context, case_id: int) -> list[Reply]:
        await self.service.set_pending(ctx.user, {"kind": "reference", "case_id": case_id}, ctx.now)
        return [Reply(ft("filed.ask_reference", ctx.lang), self._skip(case_id, ctx.lang), expects="text")]

    @staticmethod
    def _skip(case_id: int, lang: str) -> tuple[Button, ...]:
        return (Button(ft("btn.skip", lang), f"_noref:{case_id}"),)

    @staticmethod
    def _valid_reference(text: str) -> bool:
        return VALIDATORS["reference"](text) is None

    async def on_reference(self, ctx: Context) -> list[Reply]:
        """The typed answer to "what reference number did they give you?"."""
        pending = ctx.pending or {}
        case = await self.store.get_case(int(pending.get("case_id") or 0), ctx.user.id)
        if case is None:
            await self.service.set_pending(ctx.user, None, ctx.now)
            return [Reply(ft("forged", ctx.lang))]
        text = re.sub(r"\s+", " ", ctx.arg).strip()
        if text.casefold() in SKIP_WORDS:
            await self.service.set_pending(ctx.user, None, ctx.now)
            return [Reply(ft("reference.skipped", ctx.lang))]
        if not self._valid_reference(text):
            return [Reply(ft("reference.invalid", ctx.lang), self._skip(case.id, ctx.lang), expects="text")]
        async with self.store.transaction() as tx:
            await tx.update_case(case.id, ctx.now, reference=text)
            await tx.add_event(case.id, "reference", {"reference": text}, ctx.now)
        await self.service.set_pending(ctx.user, None, ctx.now)
        return [Reply(ft("reference.saved", ctx.lang, id=case.id, reference=text))]

    async def btn_no_reference(self, ctx: Context) -> list[Reply]:
        case, refusal = await self._case(ctx, ctx.arg)
        if case is None:
            return refusal
        state = await self.service.state_of(ctx.user)
        if state.pending and state.pending.get("kind") == "reference":
            await self.service.set_pending(ctx.user, None, ctx.now)
        return [Reply(ft("reference.skipped", ctx.lang))]

    async def btn_later(self, ctx: Context) -> list[Reply]:
        case, refusal = await self._case(ctx, ctx.arg)
        if case is None:
            return refusal
        return [Reply(ft("later.ok", ctx.lang, id=case.id))]

    async def btn_file_tomorrow(self, ctx: Context) -> list[Reply]:
        case, refusal = await self._case(ctx, ctx.arg)
        if case is None:
            return refusal
        if case.status == "draft":
            return [Reply(ft("filed.not_ready", ctx.lang, id=case.id))]
        if case.status != "ready":
            return self._done_or_filed(ctx, case, await self._answers(case.id))
        tz = self.person_tz(ctx.user, case)
        due = in_days(ctx.now, 1, tz, self.scale)
        async with self.store.transaction() as tx:
            await tx.cancel_reminders(case.id, ctx.now, kinds=["file"])
            nudge = NewReminder(case.id, ctx.user.id, "file", due.due_at, due.sched_at, {"channel": case.channel})
            await tx.add_reminder(nudge, ctx.now)
            await tx.add_event(case.id, "file_reminder", {"at": due.sched_at.isoformat()}, ctx.now)
        return [Reply(ft("tomorrow.ok", ctx.lang, id=case.id, when=fmt_when(due.sched_at, tz, ctx.lang)))]

    def _done_or_filed(self, ctx: Context, case: CaseRow, answers: dict[str, Any]) -> list[Reply]:
        """The answer to "I've filed it" for a case that is past that point."""
        if case.status in lifecycle.FINISHED:
            return self._done(case, ctx.lang)
        tz = self.person_tz(ctx.user, case)
        label = channel_label(self.catalog, case.channel, answers, ctx.lang)
        date = fmt_date(case.filed_at or case.updated_at, tz, ctx.lang)
        return [Reply(ft("filed.already", ctx.lang, id=case.id, channel=label, date=date))]

    # --- check-in answers -----------------------------------------------------------------

    async def btn_checkin(self, ctx: Context) -> list[Reply]:
        """_ci:<reminder id>:<action> — an answer to a delivered check-in or note."""
        rid_text, _, action = ctx.arg.partition(":")
        rid = small_number(rid_text)
        if rid is None or action not in CHECKIN_ACTIONS:
            return [Reply(ft("forged", ctx.lang))]
        reminder = await self.store.get_reminder(rid, ctx.user.id)
        case = await self.store.get_case(reminder.case_id, ctx.user.id) if reminder else None
        if reminder is None or case is None or reminder.kind not in ("checkin", "note"):
            return [Reply(ft("forged", ctx.lang))]
        if reminder.status not in ("sent", "claimed") or reminder.data.get("channel") != case.channel:
            return [Reply(ft("stale", ctx.lang, id=case.id))]
        if case.status not in lifecycle.FOLLOWED:
            return self._done(case, ctx.lang)
        async with self.store.transaction() as tx:
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

    async def _close(self, tx: ReminderTx, ctx: Context, case: CaseRow) -> list[Reply]:
        await tx.cancel_reminders(case.id, ctx.now)
        await lifecycle.move(tx, case, "closed", ctx.now, {"reason": "stopped"})
        return [Reply(ft("answer.stopped", ctx.lang, id=case.id))]

    async def _snooze(
        self, tx: ReminderTx, ctx: Context, case: CaseRow, kind: str, data: dict[str, Any], days: int
    ) -> list[Reply]:
        tz = self.person_tz(ctx.user, case)
        due = in_days(ctx.now, days, tz, self.scale)
        again = NewReminder(case.id, ctx.user.id, kind, due.due_at, due.sched_at, {**data, "snoozed": True})
        await tx.add_reminder(again, ctx.now)
        await tx.add_event(case.id, "snoozed", {"days": days, "until": due.sched_at.isoformat()}, ctx.now)
        return [Reply(ft("answer.snoozed", ctx.lang, when=fmt_when(due.sched_at, tz, ctx.lang)))]

    async def _not_done(
        self, tx: ReminderTx, ctx: Context, case: CaseRow, reminder: ReminderRow, *, unsatisfied: bool
    ) -> list[Reply]:
        """"Replied, not satisfied", "no reply yet" or "still happening": wait for the next deadline or escalate."""
        answers = await self._answers(case.id)
        deadline = deadline_of(self.catalog, reminder.data)
        later = [r for r in await self.store.case_reminders(case.id) if r.status == "pending" and r.kind == "checkin"]
        final = unsatisfied or not later or bool(deadline and deadline.escalate_to)
        kind = "unsatisfied" if unsatisfied else "no_reply"
        data = {"channel": case.channel, "deadline": reminder.data.get("deadline")}
        tz = self.person_tz(ctx.user, case)
        if not final:
            await tx.add_event(case.id, kind, data, ctx.now)
            nxt = later[0]
            nxt_deadline = deadline_of(self.catalog, nxt.data)
            what = deadline_what(self.catalog, nxt_deadline, ctx.lang) if nxt_deadline else ""
            return [Reply(ft("answer.wait_next", ctx.lang, when=fmt_when(nxt.sched_at, tz, ctx.lang), what=what))]
        await tx.cancel_reminders(case.id, ctx.now)
        await lifecycle.move(tx, case, kind, ctx.now, data)
        targets = escalation_targets(self.catalog, case.channel, answers, deadline)
        if not targets:
            label = channel_label(self.catalog, case.channel, answers, ctx.lang)
            buttons = (
                Button(ft("btn.snooze", ctx.lang, days=7), f"_snz:{case.id}:7"),
                Button(ft("btn.stop", ctx.lang), f"_stop:{case.id}"),
            )
            return [Reply(ft("answer.no_target", ctx.lang, channel=label), buttons)]
        await tx.add_event(case.id, "escalation_offered", {"to": targets[0], "options": targets}, ctx.now)
        evidence = evidence_items(await self.store.case_evidence(case.id))
        return escalation_replies(self.catalog, case, answers, evidence, targets, ctx.now, tz, ctx.lang)

    # --- escalation -----------------------------------------------------------------------

    async def _escalation_case(self, ctx: Context) -> tuple[CaseRow | None, str, dict[str, Any], list[Reply]]:
        """Validate _esc/_offer data: the person's case, waiting for escalation, to an allowed channel."""
        case_text, _, target = ctx.arg.partition(":")
        case, refusal = await self._case(ctx, case_text)
        if case is None:
            return None, "", {}, refusal
        answers = await self._answers(case.id)
        if case.status in lifecycle.FINISHED:
            return None, "", {}, self._done(case, ctx.lang)
        if case.status not in ("unsatisfied", "no_reply"):
            return None, "", {}, [Reply(ft("stale", ctx.lang, id=case.id))]
        if target not in allowed_targets(self.catalog, case.channel, answers):
            return None, "", {}, [Reply(ft("forged", ctx.lang))]
        return case, target, answers, []

    async def btn_offer(self, ctx: Context) -> list[Reply]:
        """_offer:<case>:<channel> — show the escalation to another channel of the ladder."""
        case, target, answers, refusal = await self._escalation_case(ctx)
        if case is None:
            return refusal
        others = [t for t in escalation_targets(self.catalog, case.channel, answers) if t != target]
        async with self.store.transaction() as tx:
            await tx.add_event(case.id, "escalation_offered", {"to": target, "options": [target, *others]}, ctx.now)
        evidence = evidence_items(await self.store.case_evidence(case.id))
        tz = self.person_tz(ctx.user, case)
        return escalation_replies(self.catalog, case, answers, evidence, [target, *others], ctx.now, tz, ctx.lang)

    async def btn_escalated(self, ctx: Context) -> list[Reply]:
        """_esc:<case>:<channel> — the person filed the escalation: follow up the new channel."""
        case, target, answers, refusal = await self._escalation_case(ctx)
        if case is None:
            return refusal
        tz = self.person_tz(ctx.user, case)
        evidence = evidence_items(await self.store.case_evidence(case.id))
        draft = escalation_draft(self.catalog, case, answers, evidence, target, ctx.now, ctx.lang)
        planned = plan_followups(self.catalog, target, ctx.now, tz, self.scale)
        data = {
            "from": case.channel,
            "to": target,
            "previous_reference": case.reference,
            "previous_filed_at": case.filed_at.isoformat() if case.filed_at else None,
            "previous_draft": case.draft,
        }
        fields: dict[str, Any] = {"channel": target, "filed_at": ctx.now, "reference": None}
        if draft is not None:
            fields["draft"] = draft
        async with self.store.transaction() as tx:
            await tx.cancel_reminders(case.id, ctx.now)
            await lifecycle.move(tx, case, "escalated", ctx.now, data, **fields)
            await self._schedule(tx, case, ctx.user, planned, ctx.now)
        label = channel_label(self.catalog, target, answers, ctx.lang)
        lines = [ft("esc.noted", ctx.lang, id=case.id, target=label, date=fmt_date(ctx.now, tz, ctx.lang))]
        lines += schedule_lines(self.catalog, planned, tz, ctx.lang)
        return [Reply("\n".join(lines)), *await self._ask_reference(ctx, case.id)]

    async def btn_snooze_case(self, ctx: Context) -> list[Reply]:
        """_snz:<case>:<days> — ask again later, after an escalation offer or at the end of the ladder."""
        case_text, _, days_text = ctx.arg.partition(":")
        case, refusal = await self._case(ctx, case_text)
        if case is None:
            return refusal
        if days_text not in {str(d) for d in SNOOZE_DAYS}:
            return [Reply(ft("forged", ctx.lang))]
        if case.status in lifecycle.FINISHED:
            return self._done(case, ctx.lang)
        if case.status not in ("unsatisfied", "no_reply"):
            return [Reply(ft("stale", ctx.lang, id=case.id))]
        reminders = await self.store.case_reminders(case.id)
        tz = self.person_tz(ctx.user, case)
        pending = [r for r in reminders if r.status == "pending"]
        if pending:
            return [Reply(ft("answer.snoozed", ctx.lang, when=fmt_when(pending[0].sched_at, tz, ctx.lang)))]
        last = next((r for r in reversed(reminders) if r.kind in ("checkin", "note")), None)
        data = dict(last.data) if last else {"channel": case.channel}
        kind = last.kind if last else "note"
        async with self.store.transaction() as tx:
            return await self._snooze(tx, ctx, case, kind, data, int(days_text))

    async def btn_stop_case(self, ctx: Context) -> list[Reply]:
        """_stop:<case> — no more reminders; the case is closed."""
        case, refusal = await self._case(ctx, ctx.arg)
        if case is None:
            return refusal
        if case.status in lifecycle.FINISHED:
            return self._done(case, ctx.lang)
        if case.status not in lifecycle.FOLLOWED:
            return [Reply(ft("stale", ctx.lang, id=case.id))]
        async with self.store.transaction() as tx:
            return await self._close(tx, ctx, case)

    # --- /timezone ------------------------------------------------------------------------

    async def cmd_timezone(self, ctx: Context) -> list[Reply]:
        """/timezone [Area/City | reset] — where the person is, for quiet hours and dates."""
        name = ctx.arg.strip()
        if not name:
            cases = await self.store.list_cases(ctx.user.id)
            tz = self.person_tz(ctx.user, cases[0] if cases else None)
            shown = ctx.user.timezone or f"{getattr(tz, 'key', str(tz))} {ft('tz.default', ctx.lang)}"
            return [Reply(ft("tz.current", ctx.lang, tz=shown, time=ctx.now.astimezone(tz).strftime("%H:%M")))]
        if name.casefold() in {"reset", "default", "auto", "默认"}:
            await self.store.set_user_timezone(ctx.user.id, None)
            return [Reply(ft("tz.reset", ctx.lang))]
        key = resolve_timezone(name)
        if key is None:
            return [Reply(ft("tz.unknown", ctx.lang, tz=name[:64]))]
        await self.store.set_user_timezone(ctx.user.id, key)
        return [Reply(ft("tz.set", ctx.lang, tz=key, time=ctx.now.astimezone(zone(key)).strftime("%H:%M")))]

    # --- the scheduler's Composer ---------------------------------------------------------

    async def compose(self, reminder: ReminderRow, user: User, now: datetime) -> Decision:
        """What to do with a due reminder: send it, wait for the morning, or drop it."""
        case = await self.store.get_case(reminder.case_id, user.id)
        if case is None:
            return Drop("case gone")
        if reminder.kind == "file":
            if case.status != "ready":
                return Drop("already filed")
        elif case.status not in lifecycle.FOLLOWED:
            return Drop(f"case is {case.status}")
        elif reminder.data.get("channel") != case.channel:
            return Drop("case moved to another channel")
        tz = self.person_tz(user, case)
        sched_now = self.scale.sched_now(reminder.sched_at, reminder.due_at, now)
        if is_quiet(sched_now, tz):
            # Late after downtime, and now it is night for the person: wait for their morning.
            morning = out_of_quiet_hours(sched_now, tz)
            return Defer(now + (morning - sched_now) / self.scale.k, morning)
        answers = await self._answers(case.id)
        if reminder.kind == "file":
            return Send(file_reminder_replies(self.catalog, case, answers, user.lang))
        if reminder.kind == "note":
            return Send(note_replies(self.catalog, case, answers, reminder, tz, user.lang))
        return Send(checkin_replies(self.catalog, case, answers, reminder, tz, user.lang))


# Names in the zone database that are no place a person lives: "Factory" is a placeholder zone and
# "localtime" the server's own setting, whatever that is.
NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})


def resolve_timezone(name: str) -> str | None:
    """An IANA zone name as typed, matched without regard to case ("asia/shanghai" works)."""
    name = name.strip().replace(" ", "_")
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]{1,64}", name):
        return None
    zones = available_timezones() - NOT_PLACES
    if name in zones:
        return name
    folded = {z.casefold(): z for z in zones}
    return folded.get(name.casefold())
