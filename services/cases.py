"""`/cases`, `/case ID` and `/delete ID`: a person's own cases, listed, shown and erased for good."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from engine.engine import describe_answers
from engine.evidence import human_size
from engine.i18n import t
from engine.replies import Button, Reply
from engine.state import SessionState
from services.followup.timezone import zone
from services.guard import guard_case
from services.texts import event_text, st

if TYPE_CHECKING:
    from services.conversation import Context

log = logging.getLogger(__name__)


async def list_cases(ctx: Context) -> list[Reply]:
    cases = await ctx.service.store.list_cases(ctx.user.id)
    if not cases:
        return [Reply(st("cases.none", ctx.lang), (Button(t("nav.new", ctx.lang), "_new"),))]
    issue_labels = _issue_labels(ctx)
    lines = [st("cases.header", ctx.lang)]
    for case in cases[:50]:
        lines.append(
            st(
                "cases.line",
                ctx.lang,
                id=case.id,
                date=case.created_at.strftime("%Y-%m-%d"),
                issue=issue_labels.get(case.issue_type or "", "—"),
                status=st(f"status.{case.status}", ctx.lang),
            )
        )
    lines.append(st("cases.hint", ctx.lang, id=cases[0].id))
    return [Reply("\n".join(lines))]


def _issue_labels(ctx: Context) -> dict[str, str]:
    flow = ctx.service.engine.flow
    step = flow.step("issue_type") if flow.has("issue_type") else None
    return {o.value: o.label.get(ctx.lang) for o in getattr(step, "options", [])}


def _channel_label(ctx: Context) -> Callable[[str], str]:
    advisor = ctx.service.engine.advisor
    lang = ctx.lang
    return (lambda value: advisor.label(value, lang)) if advisor else (lambda value: value)


async def show_case(ctx: Context) -> list[Reply]:
    case, refusal = await guard_case(ctx, ctx.arg, typed=True)
    if case is None:
        return refusal or [Reply(st("case.usage", ctx.lang))]
    store = ctx.service.store
    case_id = case.id
    answers = await store.case_answers(case_id)
    evidence = await store.case_evidence(case_id)
    events = await store.case_events(case_id)
    # Times on the person's clock: their /timezone, else their case's country.
    region = ctx.service.engine.regions.by_code.get(case.jurisdiction or "")
    tz = zone(ctx.user.timezone, region.timezone if region else "UTC")
    lines = [
        st(
            "case.header",
            ctx.lang,
            id=case.id,
            status=st(f"status.{case.status}", ctx.lang),
            date=case.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        ),
        "",
        st("case.answers", ctx.lang),
        *describe_answers(ctx.service.engine, answers, ctx.lang),
        "",
        st("case.evidence", ctx.lang, count=len(evidence)),
    ]
    for n, item in enumerate(evidence, 1):
        lines.append(
            st("case.evidence_line", ctx.lang, n=n, kind=st(f"kind.{item.kind}", ctx.lang), size=human_size(item.size), sha=item.sha256)
        )
    lines += ["", st("case.timeline", ctx.lang)]
    label = _channel_label(ctx)
    lines += [f"{e.at.astimezone(tz).strftime('%Y-%m-%d %H:%M')} · {event_text(e.kind, e.data, ctx.lang, label)}" for e in events]
    lines.append(st("case.tz", ctx.lang, tz=str(tz)))
    replies = [Reply("\n".join(lines))]
    replies.append(Reply(st("case.draft", ctx.lang) + "\n\n" + case.draft if case.draft else st("case.no_draft", ctx.lang)))
    return replies


async def delete_case(ctx: Context) -> list[Reply]:
    """Asks first: erasing cannot be undone."""
    case, refusal = await guard_case(ctx, ctx.arg, typed=True)
    if case is None:
        return refusal or [Reply(st("delete.usage", ctx.lang))]
    case_id = case.id
    return [
        Reply(
            st("delete.confirm", ctx.lang, id=case_id),
            (Button(st("delete.yes", ctx.lang), f"_delete:{case_id}"), Button(st("delete.no", ctx.lang), "_keepcase")),
            expects="confirm",
        )
    ]


async def delete_confirmed(ctx: Context) -> list[Reply]:
    case, refusal = await guard_case(ctx, ctx.arg, typed=True)
    if case is None:
        return refusal or [Reply(st("delete.usage", ctx.lang))]
    case_id = case.id
    service = ctx.service
    state = await service.state_of(ctx.user)
    async with service.store.transaction() as tx:
        orphaned = await tx.delete_case(case_id)
        # Replies still queued may quote the case; the answer to this erase is queued after it.
        await tx.forget_chat_outbox(ctx.user.platform, ctx.user.external_id)
        if state.case_id == case_id:
            await tx.save_session(ctx.user.id, SessionState(lang=state.lang).to_dict(), ctx.now)
    for rel_path in orphaned:
        await service.files.remove(rel_path)
    for hook in service.erase_hooks:
        await hook(ctx.user.id, case_id)
    await service.store.scrub()
    log.info("case erased with %d file(s)", len(orphaned))
    return [Reply(st("delete.done", ctx.lang, id=case_id))]


async def delete_declined(ctx: Context) -> list[Reply]:
    return [Reply(st("delete.kept", ctx.lang))]
