"""Filing: "have you filed it?" under a fresh draft, /filed, the reference number, and "remind me tomorrow".

Filing moves a ready case to filed (or waiting, when the channel answers on deadlines) and plans
the check-ins; the reference number is asked for next, as a typed answer the person may skip.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from engine.replies import Button, Reply
from engine.validators import VALIDATORS
from services import lifecycle
from services.followup.checkins import channel_label, checkin_deadlines, filing_buttons, plan_followups, schedule_lines
from services.followup.due import in_days
from services.followup.parts import Parts, case_done
from services.followup.texts import fmt_date, fmt_when, ft
from services.guard import Refusal, guard_case
from services.texts import st
from storage.protocols import CaseRow, NewReminder

if TYPE_CHECKING:
    from services.conversation import Context

SKIP_WORDS = frozenset({"skip", "none", "no", "n/a", "-", "跳过", "没有", "无", "不知道"})


def valid_reference(text: str) -> bool:
    return VALIDATORS["reference"](text) is None


def skip_button(case_id: int, lang: str) -> tuple[Button, ...]:
    return (Button(ft("btn.skip", lang), f"_noref:{case_id}"),)


class Filing:
    """The handlers of filing a ready case."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts

    def _not_ready_or_filed(self, ctx: Context) -> Refusal:
        """The answer to "I've filed it" for a case that is not ready, or past that point."""

        async def refuse(case: CaseRow) -> list[Reply]:
            if case.status == "draft":
                return [Reply(ft("filed.not_ready", ctx.lang, id=case.id))]
            if case.status in lifecycle.FINISHED:
                return case_done(case, ctx.lang)
            tz = self.parts.person_tz(ctx.user, case)
            label = channel_label(self.parts.catalog, case.channel, await self.parts.answers(case.id), ctx.lang)
            date = fmt_date(case.filed_at or case.updated_at, tz, ctx.lang)
            return [Reply(ft("filed.already", ctx.lang, id=case.id, channel=label, date=date))]

        return refuse

    async def ask_filed(self, ctx: Context, case_id: int) -> list[Reply]:
        """Case-ready hook: put the filing question under the fresh draft."""
        catalog = self.parts.catalog
        case = await self.parts.store.get_case(case_id, ctx.user.id)
        if case is None or not case.channel or not catalog.has_channel(case.channel):
            return []
        answers = await self.parts.answers(case_id)
        channel = catalog.channel(case.channel)
        key = "ask.filed.tracks" if checkin_deadlines(channel) else "ask.filed.note"
        text = ft(key, ctx.lang, id=case_id, channel=channel_label(catalog, case.channel, answers, ctx.lang))
        return [Reply(text, filing_buttons(case_id, ctx.lang))]

    async def cmd_filed(self, ctx: Context) -> list[Reply]:
        """/filed ID [REFERENCE]: the case was filed (with its reference number, if given)."""
        case_text, _, reference = ctx.arg.strip().partition(" ")
        if not case_text:
            ready = [c for c in await self.parts.store.list_cases(ctx.user.id) if c.status == "ready"]
            if len(ready) != 1:
                return [Reply(ft("filed.usage", ctx.lang))]
            case_text = str(ready[0].id)
        if not case_text.lstrip("#").isdigit():
            return [Reply(ft("filed.usage", ctx.lang))]
        return await self._mark_filed(ctx, case_text, reference.strip() or None)

    async def btn_filed(self, ctx: Context) -> list[Reply]:
        return await self._mark_filed(ctx, ctx.arg, None)

    async def _mark_filed(self, ctx: Context, case_text: str, reference: str | None) -> list[Reply]:
        catalog, store = self.parts.catalog, self.parts.store
        case, refusal = await guard_case(ctx, case_text, allowed={"ready"}, refuse=self._not_ready_or_filed(ctx))
        if case is None:
            return refusal
        if not case.channel or not catalog.has_channel(case.channel):
            return [Reply(ft("filed.not_ready", ctx.lang, id=case.id))]
        answers = await self.parts.answers(case.id)
        tz = self.parts.person_tz(ctx.user, case)
        if reference is not None and not valid_reference(reference):
            reference = None
        planned = plan_followups(catalog, case.channel, ctx.now, tz, self.parts.scale)
        async with store.transaction() as tx:
            data: dict[str, Any] = {"channel": case.channel}
            await lifecycle.move(tx, case, "filed", ctx.now, data, filed_at=ctx.now, reference=reference)
            if reference:
                await tx.add_event(case.id, "reference", {"reference": reference}, ctx.now)
            await tx.cancel_reminders(case.id, ctx.now, kinds=["file"])
            await self.parts.schedule(tx, case, ctx.user, planned, ctx.now)
            if any(p.kind == "checkin" for p in planned):
                await lifecycle.move(tx, replace(case, status="filed"), "waiting", ctx.now, {"channel": case.channel})
        label = channel_label(catalog, case.channel, answers, ctx.lang)
        lines = [ft("filed.noted", ctx.lang, id=case.id, channel=label, date=fmt_date(ctx.now, tz, ctx.lang))]
        lines += schedule_lines(catalog, planned, tz, ctx.lang)
        replies = [Reply("\n".join(lines))]
        if reference:
            replies.append(Reply(ft("reference.saved", ctx.lang, id=case.id, reference=reference)))
        else:
            replies += await self.ask_reference(ctx, case.id)
        return replies

    async def ask_reference(self, ctx: Context, case_id: int) -> list[Reply]:
        """Ask for the reference number the channel gave; the typed answer goes to on_reference."""
        await self.parts.service.set_pending(ctx.user, {"kind": "reference", "case_id": case_id}, ctx.now)
        return [Reply(ft("filed.ask_reference", ctx.lang), skip_button(case_id, ctx.lang), expects="text")]

    async def on_reference(self, ctx: Context) -> list[Reply]:
        """The typed answer to "what reference number did they give you?"."""
        service, store = self.parts.service, self.parts.store
        pending = ctx.pending or {}
        case = await store.get_case(int(pending.get("case_id") or 0), ctx.user.id)
        if case is None:
            await service.set_pending(ctx.user, None, ctx.now)
            return [Reply(st("case.forged", ctx.lang))]
        text = re.sub(r"\s+", " ", ctx.arg).strip()
        if text.casefold() in SKIP_WORDS:
            await service.set_pending(ctx.user, None, ctx.now)
            return [Reply(ft("reference.skipped", ctx.lang))]
        if not valid_reference(text):
            return [Reply(ft("reference.invalid", ctx.lang), skip_button(case.id, ctx.lang), expects="text")]
        async with store.transaction() as tx:
            await tx.update_case(case.id, ctx.now, reference=text)
            await tx.add_event(case.id, "reference", {"reference": text}, ctx.now)
        await service.set_pending(ctx.user, None, ctx.now)
        return [Reply(ft("reference.saved", ctx.lang, id=case.id, reference=text))]

    async def btn_no_reference(self, ctx: Context) -> list[Reply]:
        case, refusal = await guard_case(ctx, ctx.arg)
        if case is None:
            return refusal
        state = await self.parts.service.state_of(ctx.user)
        if state.pending and state.pending.get("kind") == "reference":
            await self.parts.service.set_pending(ctx.user, None, ctx.now)
        return [Reply(ft("reference.skipped", ctx.lang))]

    async def btn_later(self, ctx: Context) -> list[Reply]:
        case, refusal = await guard_case(ctx, ctx.arg)
        if case is None:
            return refusal
        return [Reply(ft("later.ok", ctx.lang, id=case.id))]

    async def btn_file_tomorrow(self, ctx: Context) -> list[Reply]:
        case, refusal = await guard_case(ctx, ctx.arg, allowed={"ready"}, refuse=self._not_ready_or_filed(ctx))
        if case is None:
            return refusal
        tz = self.parts.person_tz(ctx.user, case)
        due = in_days(ctx.now, 1, tz, self.parts.scale)
        async with self.parts.store.transaction() as tx:
            await tx.cancel_reminders(case.id, ctx.now, kinds=["file"])
            nudge = NewReminder(case.id, ctx.user.id, "file", due.due_at, due.sched_at, {"channel": case.channel})
            await tx.add_reminder(nudge, ctx.now)
            await tx.add_event(case.id, "file_reminder", {"at": due.sched_at.isoformat()}, ctx.now)
        return [Reply(ft("tomorrow.ok", ctx.lang, id=case.id, when=fmt_when(due.sched_at, tz, ctx.lang)))]
