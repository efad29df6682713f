"""The escalation buttons: see the offer for another rung of the ladder, or say it was filed there.

Button data names the case and the target channel; a target outside the case's ladder is forged.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.replies import Reply
from services import lifecycle
from services.followup.checkin_buttons import DECIDING
from services.followup.checkins import channel_label, plan_followups, schedule_lines
from services.followup.escalation import (
    allowed_targets,
    escalation_draft,
    escalation_replies,
    escalation_targets,
    evidence_items,
)
from services.followup.filing import Filing
from services.followup.parts import Parts, done_or_stale
from services.followup.texts import fmt_date, ft
from services.guard import guard_case
from services.texts import st
from storage.protocols import CaseRow

if TYPE_CHECKING:
    from services.conversation import Context


class Escalating:
    """The handlers of _offer (show another target) and _esc (filed with the target)."""

    def __init__(self, parts: Parts, filing: Filing) -> None:
        self.parts = parts
        self.filing = filing

    async def _escalation_case(self, ctx: Context) -> tuple[CaseRow | None, str, dict[str, Any], list[Reply]]:
        """The person's case, waiting for escalation, and a target its ladder allows."""
        case_text, _, target = ctx.arg.partition(":")
        case, refusal = await guard_case(ctx, case_text, allowed=DECIDING, refuse=done_or_stale(ctx))
        if case is None:
            return None, "", {}, refusal
        answers = await self.parts.answers(case.id)
        if target not in allowed_targets(self.parts.catalog, case.channel, answers):
            return None, "", {}, [Reply(st("case.forged", ctx.lang))]
        return case, target, answers, []

    async def btn_offer(self, ctx: Context) -> list[Reply]:
        """_offer:<case>:<channel> — show the escalation to another channel of the ladder."""
        case, target, answers, refusal = await self._escalation_case(ctx)
        if case is None:
            return refusal
        catalog = self.parts.catalog
        others = [t for t in escalation_targets(catalog, case.channel, answers) if t != target]
        async with self.parts.store.transaction() as tx:
            await tx.add_event(case.id, "escalation_offered", {"to": target, "options": [target, *others]}, ctx.now)
        evidence = evidence_items(await self.parts.store.case_evidence(case.id))
        tz = self.parts.person_tz(ctx.user, case)
        return escalation_replies(catalog, case, answers, evidence, [target, *others], ctx.now, tz, ctx.lang)

    async def btn_escalated(self, ctx: Context) -> list[Reply]:
        """_esc:<case>:<channel> — the person filed the escalation: follow up the new channel."""
        case, target, answers, refusal = await self._escalation_case(ctx)
        if case is None:
            return refusal
        catalog = self.parts.catalog
        tz = self.parts.person_tz(ctx.user, case)
        evidence = evidence_items(await self.parts.store.case_evidence(case.id))
        draft = escalation_draft(catalog, case, answers, evidence, target, ctx.now, ctx.lang)
        planned = plan_followups(catalog, target, ctx.now, tz, self.parts.scale)
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
        async with self.parts.store.transaction() as tx:
            await tx.cancel_reminders(case.id, ctx.now)
            await lifecycle.move(tx, case, "escalated", ctx.now, data, **fields)
            await self.parts.schedule(tx, case, ctx.user, planned, ctx.now)
        label = channel_label(catalog, target, answers, ctx.lang)
        lines = [ft("esc.noted", ctx.lang, id=case.id, target=label, date=fmt_date(ctx.now, tz, ctx.lang))]
        lines += schedule_lines(catalog, planned, tz, ctx.lang)
        return [Reply("\n".join(lines)), *await self.filing.ask_reference(ctx, case.id)]
