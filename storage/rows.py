"""What every store shares about rows: the columns queries select, their decoders, and the checks
made on values before they are written.

Both stores select these columns in this order and keep JSON as text; they differ only in what a
timestamp comes back as (ISO-8601 text from SQLite, an aware datetime from asyncpg), which the
`time` function of a `RowDecoder` absorbs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.codec import decode_json
from storage.protocols import CaseEvent, CaseRow, EvidenceRow, JournaledUpdate, OutboxRow, ReminderRow, User

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
JOURNAL_COLUMNS = "update_id, chat_id, payload, received_at, attempts"
OUTBOX_COLUMNS = "id, platform, chat_id, reply, created_at, due_at, attempts"

# Columns `update_case` may change; the rest belong to storage (ids, created/updated times).
UPDATABLE_CASE_COLUMNS = frozenset(
    {"status", "jurisdiction", "issue_type", "channel", "reference", "filed_at", "draft"}
)
TIME_CASE_COLUMNS = frozenset({"filed_at"})
# Terminal states a claimed reminder can reach; 'answered' comes later, from the person.
FINISHED_REMINDER_STATES = frozenset({"sent", "failed", "cancelled"})

_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_sha256(sha256: str) -> None:
    """Refuse anything but 64 lowercase hex digits: the hash names the evidence file on disk."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError("sha256 must be 64 lowercase hex digits")


def check_finished_state(status: str) -> None:
    """Refuse a state `finish_reminder` cannot move a claimed reminder to."""
    if status not in FINISHED_REMINDER_STATES:
        raise ValueError(f"a claimed reminder cannot become {status!r}")


@dataclass(frozen=True, slots=True)
class RowDecoder:
    """Builds the row dataclasses from a driver's rows; `time` turns a stored timestamp into aware UTC."""

    time: Callable[[Any], datetime]

    def optional_time(self, value: Any) -> datetime | None:
        """Like `time`, for nullable columns."""
        return None if value is None else self.time(value)

    def user(self, row: Sequence[Any]) -> User:
        """Decode a row selected with USER_COLUMNS."""
        id_, platform, external_id, lang, timezone = row
        return User(id_, platform, external_id, lang, timezone)

    def case(self, row: Sequence[Any]) -> CaseRow:
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
            filed_at=self.optional_time(filed_at),
            draft=draft,
            created_at=self.time(created_at),
            updated_at=self.time(updated_at),
        )

    def evidence(self, row: Sequence[Any]) -> EvidenceRow:
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
            received_at=self.time(received_at),
        )

    def event(self, row: Sequence[Any]) -> CaseEvent:
        """Decode a row selected with EVENT_COLUMNS."""
        id_, case_id, at, kind, data = row
        return CaseEvent(id=id_, case_id=case_id, at=self.time(at), kind=kind, data=decode_json(data))

    def reminder(self, row: Sequence[Any]) -> ReminderRow:
        """Decode a row selected with REMINDER_COLUMNS."""
        (id_, case_id, user_id, kind, due_at, sched_at, status, attempts, data, created_at,
         claimed_at, sent_at, closed_at) = row
        return ReminderRow(
            id=id_,
            case_id=case_id,
            user_id=user_id,
            kind=kind,
            due_at=self.time(due_at),
            sched_at=self.time(sched_at),
            status=status,
            attempts=attempts,
            data=decode_json(data),
            created_at=self.time(created_at),
            claimed_at=self.optional_time(claimed_at),
            sent_at=self.optional_time(sent_at),
            closed_at=self.optional_time(closed_at),
        )

    def journaled(self, row: Sequence[Any]) -> JournaledUpdate:
        """Decode a row selected with JOURNAL_COLUMNS."""
        update_id, chat_id, payload, received_at, attempts = row
        return JournaledUpdate(
            update_id=update_id,
            chat_id=chat_id,
            payload=decode_json(payload),
            received_at=self.time(received_at),
            attempts=attempts,
        )

    def outbox(self, row: Sequence[Any]) -> OutboxRow:
        """Decode a row selected with OUTBOX_COLUMNS."""
        id_, platform, chat_id, reply, created_at, due_at, attempts = row
        return OutboxRow(
            id=id_,
            platform=platform,
            chat_id=chat_id,
            reply=decode_json(reply),
            created_at=self.time(created_at),
            due_at=self.time(due_at),
            attempts=attempts,
        )
