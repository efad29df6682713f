"""The one check before a command or button acts on a case: it exists, it is this person's, and its
status allows the action.

Case ids arrive in typed arguments (/case 3) and in button data (_filed:3); either can be forged or
stale, so every handler that touches a case asks here first and gets the case or a polite refusal,
never an exception and never someone else's case.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Awaitable, Callable, Collection

from engine.answers import small_number
from engine.replies import Reply
from services.texts import st
from storage.protocols import CaseRow

if TYPE_CHECKING:
    from services.conversation import Context

# What to answer when the case is the person's but its status does not allow the action.
Refusal = Callable[[CaseRow], Awaitable[list[Reply]]]


async def guard_case(
    ctx: Context,
    text: str,
    *,
    typed: bool = False,
    allowed: Collection[str] | None = None,
    refuse: Refusal | None = None,
) -> tuple[CaseRow | None, list[Reply]]:
    """The person's own case named by `text` ("3" or "#3"), in one of the `allowed` statuses.

    `typed`: the id was typed by the person, so a missing one gives no refusal (the caller shows
    its usage) and a wrong one is "not found"; in button data a non-id can only be forged.
    A case in a status outside `allowed` is answered by `refuse`.
    """
    text = text.strip().lstrip("#").strip()
    case_id = small_number(text)
    if case_id is None:
        if not typed:
            return None, [Reply(st("case.forged", ctx.lang))]
        return None, [Reply(st("case.not_found", ctx.lang, id=text[:12]))] if text else []
    case = await ctx.service.store.get_case(case_id, ctx.user.id)
    if case is None:
        return None, [Reply(st("case.not_found", ctx.lang, id=text[:12]))]
    if allowed is not None and case.status not in allowed:
        if refuse is None:
            raise ValueError("guard_case needs a refusal for the statuses it does not allow")
        return None, await refuse(case)
    return case, []
