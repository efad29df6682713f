"""SQLite row <-> dataclass mapping: the column lists the queries select, and their decoders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storage.codec import decode_json, decode_optional_time, decode_time
from storage.protocols import CaseEvent, CaseRow, EvidenceRow, ReminderRow, User

USER_COLUMNS = "id, platform, external_id, lang, timezone"
CASE_COLUMNS = (
    "id, user_id, status, jurisdiction, issue_type, channel, reference, filed_at, draft, "
    "created_at, updated_at"
)
EVIDENCE_COLUMNS = (
    "id, case_id, sha256, kind, mime, size, filename, stored_path, caption, origin, received_at"
)
EVENT_COLUMNS = "id, case_id, at, kind, data"
REMINDER_COLUMNS = (
    "id, case_id, user_id, kind, due_at, sched_at, status, attempts, data, created_at, "
    "claimed_at, sent_at, closed_at"
)

# Columns `update_case` may change; the rest belong to storage (ids, created/updated times).
UPDATABLE_CASE_COLUMNS = frozenset(
    {"status", "jurisdiction", "issue_type", "channel", "reference", "filed_at", "draft"}
)
TIME_CASE_COLUMNS = frozenset({"filed_at"})


def user_from_row(row: Sequence[Any]) -> User:
    """Decode a row selected with USER_COLUMNS."""
    id_, platform, external_id, lang, timezone = row
    return User(id_, platform, external_id, lang, timezone)


def case_from_row(row: Sequence[Any]) -> CaseRow:
    """Decode a row selected with CASE_COLUMNS."""
    (id_, user_id, status, jurisdiction, issue_type, channel, reference, filed_at, draft,
     created_at, updated_at) = row
    return CaseRow(
        id=id_,
        user_id=user_id,
        status=status,
        jurisdiction=jurisdiction,
        issue_type=issue_type,
        channel=channel,
        reference=reference,
        filed_at=decode_optional_time(filed_at),
        draft=draft,
        created_at=decode_time(created_at),
        updated_at=decode_time(updated_at),
    )


def evidence_from_row(row: Sequence[Any]) -> EvidenceRow:
    """Decode a row selected with EVIDENCE_COLUMNS."""
    (id_, case_id, sha256, kind, mime, size, filename, stored_path, caption, origin,
     received_at) = row
    return EvidenceRow(
        id=id_,
        case_id=case_id,
        sha256=sha256,
        kind=kind,
        mime=mime,
        size=size,
        filename=filename,
        stored_path=stored_path,
        caption=caption,
        origin=None if origin is None else decode_json(origin),
        received_at=decode_time(received_at),
    )


def event_from_row(row: Sequence[Any]) -> CaseEvent:
    """Decode a row selected with EVENT_COLUMNS."""
    id_, case_id, at, kind, data = row
    return CaseEvent(id=id_, case_id=case_id, at=decode_time(at), kind=kind, data=decode_json(data))


def reminder_from_row(row: Sequence[Any]) -> ReminderRow:
    """Decode a row selected with REMINDER_COLUMNS."""
    (id_, case_id, user_id, kind, due_at, sched_at, status, attempts, data, created_at,
     claimed_at, sent_at, closed_at) = row
    return ReminderRow(
        id=id_,
        case_id=case_id,
        user_id=user_id,
        kind=kind,
        due_at=decode_time(due_at),
        sched_at=decode_time(sched_at),
        status=status,
        attempts=attempts,
        data=decode_json(data),
        created_at=decode_time(created_at),
        claimed_at=decode_optional_time(claimed_at),
        sent_at=decode_optional_time(sent_at),
        closed_at=decode_optional_time(closed_at),
    )
