"""Escalation: the next rung of the ladder after a complaint went unanswered or unresolved.

The targets come from channels.yaml: a deadline's `escalate_to` (the operator's 15 days → 12300)
or else the channel's `next` ladder, kept to channels that handle the case's issue. The offer says
why and what the next channel needs, and brings a new draft that cites the first complaint, its
date and its reference number.
"""
from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any, Mapping

from engine.evidence import EvidenceItem
from engine.replies import Button, Reply
from knowledge.catalog import Catalog, Deadline
from knowledge.facts import answer
from knowledge.recommend import escalation_next
from services.followup.checkins import channel_label
from services.drafting import (
    DraftError,
    DraftInput,
    PreviousComplaint,
    available_kinds,
    letter_lang,
    render_draft,
    render_gist,
)
from services.followup.texts import ft
from services.send_route import route_section
from storage.protocols import CaseRow, EvidenceRow


def _handles_issue(catalog: Catalog, channel_id: str, answers: Mapping[str, Any]) -> bool:
    if not catalog.has_channel(channel_id):
        return False
    issue = answer(answers, "issue_type")
    return issue is None or issue in catalog.channel(channel_id).handles


def escalation_targets(
    catalog: Catalog, channel_id: str | None, answers: Mapping[str, Any], deadline: Deadline | None = None
) -> list[str]:
    """Where to go next, best first: the deadline's own escalation, else the channel's ladder."""
    if not channel_id or not catalog.has_channel(channel_id):
        return []
    if deadline is not None:
        direct = [t for t in deadline.escalate_to if _handles_issue(catalog, t, answers)]
        if direct:
            return direct
    return [r.channel_id for r in escalation_next(catalog, channel_id, answers)]


def allowed_targets(catalog: Catalog, channel_id: str | None, answers: Mapping[str, Any]) -> set[str]:
    """Every channel an escalation from `channel_id` may go to; button data naming another is refused."""
    if not channel_id or not catalog.has_channel(channel_id):
        return set()
    allowed = set(escalation_targets(catalog, channel_id, answers))
    for deadline in catalog.channel(channel_id).deadlines:
        allowed |= {t for t in deadline.escalate_to if _handles_issue(catalog, t, answers)}
    return allowed


def evidence_items(rows: list[EvidenceRow]) -> list[EvidenceItem]:
    """A case's stored evidence as the items the drafts list."""
    return [
        EvidenceItem(
            row.sha256, row.kind, row.mime, row.size, row.received_at.isoformat(),
            filename=row.filename, caption=row.caption, origin=row.origin,
        )
        for row in rows
    ]


def escalation_draft(
    catalog: Catalog,
    case: CaseRow,
    answers: Mapping[str, Any],
    evidence: list[EvidenceItem],
    target: str,
    now: datetime,
    lang: str,
) -> str | None:
    """The complaint to `target`, citing the case's current filing; None if no draft kind fits."""
    previous = PreviousComplaint(case.channel or "", case.filed_at or case.updated_at, case.reference)
    draft_input = DraftInput(case.id, answers, evidence, created_at=now, previous=previous)
    try:
        kinds = available_kinds(catalog, draft_input, target)
        if not kinds:
            return None
        letter = letter_lang(catalog, target)
        drafts = [render_draft(catalog, draft_input, target, letter, kinds[0])]
        if "written" in kinds and kinds[0] != "written":
            drafts.append(render_draft(catalog, draft_input, target, letter, "written"))
        gist = render_gist(catalog, draft_input, target, lang)
    except DraftError:
        return None
    parts = [gist] if gist else []
    for draft in drafts:
        heading = f"【{draft.title}】" if letter == "zh" else f"— {draft.title} —"
        target_line = f"\n→ {draft.to}" if draft.to else ""
        parts.append(f"{heading}{target_line}\n{draft.text}")
    parts.append(route_section(catalog, target, answers, case.id, lang))  # where and how to send it
    return "\n\n".join(parts)


def escalation_replies(
    catalog: Catalog,
    case: CaseRow,
    answers: Mapping[str, Any],
    evidence: list[EvidenceItem],
    targets: list[str],
    now: datetime,
    tz: tzinfo,
    lang: str,
) -> list[Reply]:
    """The offer for targets[0] (with its draft), and buttons for the others."""
    target = targets[0]
    channel = catalog.channel(target)
    name = channel_label(catalog, target, answers, lang)
    lines = [ft("esc.intro", lang, id=case.id, target=name), ft("esc.why", lang, reason=channel.reason("escalation").get(lang))]
    if channel.needs:
        lines.append(ft("esc.needs", lang))
        lines += [f"• {need.get(lang)}" for need in channel.needs]
    draft = escalation_draft(catalog, case, answers, evidence, target, now, lang)
    if draft is not None:
        ref = ft("esc.draft_ref", lang) if case.reference else ""
        lines += ["", ft("esc.draft_intro", lang, target=name, ref=ref)]
    replies = [Reply("\n".join(lines))]
    if draft is not None:
        replies.append(Reply(draft, kind="draft"))
    buttons = [Button(ft("btn.esc_filed", lang, target=name), f"_esc:{case.id}:{target}")]
    buttons += [
        Button(ft("btn.esc_other", lang, target=channel_label(catalog, other, answers, lang)), f"_offer:{case.id}:{other}")
        for other in targets[1:]
    ]
    buttons += [
        Button(ft("btn.snooze", lang, days=3), f"_snz:{case.id}:3"),
        Button(ft("btn.stop", lang), f"_stop:{case.id}"),
    ]
    replies.append(Reply(ft("esc.prompt", lang, target=name), tuple(buttons)))
    return replies
