"""A case's lifecycle: its statuses, the moves allowed between them, and one event per move.

draft → ready → filed → waiting → resolved | unsatisfied | no_reply → escalated → … → closed

Every move writes the new status and a timestamped case event in the caller's transaction, so the
timeline that /case shows is the case's history, not a reconstruction. Handlers check the status
themselves to answer politely; `move` refuses anything else as a programming error.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.protocols import CaseRow, StoreTx

# Cases with a complaint out there that the bot follows up.
FOLLOWED = frozenset({"filed", "waiting", "unsatisfied", "no_reply", "escalated"})
# Cases whose follow-up is over.
FINISHED = frozenset({"resolved", "closed"})

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"ready"}),
    "ready": frozenset({"filed", "closed"}),
    "filed": frozenset({"waiting", "resolved", "unsatisfied", "no_reply", "closed"}),
    "waiting": frozenset({"resolved", "unsatisfied", "no_reply", "closed"}),
    "unsatisfied": frozenset({"escalated", "resolved", "no_reply", "closed"}),
    "no_reply": frozenset({"escalated", "resolved", "unsatisfied", "closed"}),
    "escalated": frozenset({"resolved", "unsatisfied", "no_reply", "closed"}),
    "resolved": frozenset({"closed"}),
    "closed": frozenset(),
}


class TransitionError(ValueError):
    """A status change the lifecycle does not allow."""


def can_move(current: str, to: str) -> bool:
    """Whether a case may go from `current` to `to` (staying put is always allowed)."""
    return to == current or to in TRANSITIONS.get(current, frozenset())


async def move(
    tx: StoreTx,
    case: CaseRow,
    to: str,
    at: datetime,
    data: dict[str, Any] | None = None,
    *,
    event: str | None = None,
    **fields: Any,
) -> None:
    """Set the case's status (and other columns) and record the event, named after the status by default."""
    if not can_move(case.status, to):
        raise TransitionError(f"case {case.id}: {case.status} -> {to} is not allowed")
    await tx.update_case(case.id, at, status=to, **fields)
    await tx.add_event(case.id, event or to, data or {}, at)
