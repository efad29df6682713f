"""SQLite row <-> dataclass mapping: the shared column lists, and decoders for ISO-8601 text times."""

from __future__ import annotations

from storage.codec import decode_time
from storage.rows import (
    CASE_COLUMNS,
    EVENT_COLUMNS,
    EVIDENCE_COLUMNS,
    JOURNAL_COLUMNS,
    OUTBOX_COLUMNS,
    REMINDER_COLUMNS,
    TIME_CASE_COLUMNS,
    UPDATABLE_CASE_COLUMNS,
    USER_COLUMNS,
    RowDecoder,
)

__all__ = [
    "ROWS",
    "CASE_COLUMNS",
    "EVENT_COLUMNS",
    "EVIDENCE_COLUMNS",
    "JOURNAL_COLUMNS",
    "OUTBOX_COLUMNS",
    "REMINDER_COLUMNS",
    "TIME_CASE_COLUMNS",
    "UPDATABLE_CASE_COLUMNS",
    "USER_COLUMNS",
    "case_from_row",
    "event_from_row",
    "evidence_from_row",
    "journaled_from_row",
    "outbox_from_row",
    "reminder_from_row",
    "user_from_row",
]

ROWS = RowDecoder(time=decode_time)

user_from_row = ROWS.user
case_from_row = ROWS.case
evidence_from_row = ROWS.evidence
event_from_row = ROWS.event
reminder_from_row = ROWS.reminder
journaled_from_row = ROWS.journaled
outbox_from_row = ROWS.outbox
