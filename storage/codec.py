"""Value encoding between Python and the databases: UTC timestamps (text for SQLite) and JSON text."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any


def utc(at: datetime) -> datetime:
    """Aware datetime -> the same moment in UTC; a naive one is refused, its zone would be a guess."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("timestamps must be timezone-aware")
    return at.astimezone(timezone.utc)


def encode_time(at: datetime) -> str:
    """Aware datetime -> fixed-width ISO-8601 UTC text, so text order is time order."""
    return utc(at).isoformat(timespec="microseconds")


def decode_time(text: str) -> datetime:
    """Stored ISO-8601 text -> aware datetime in UTC."""
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def decode_optional_time(text: str | None) -> datetime | None:
    """Like decode_time, for nullable columns."""
    return None if text is None else decode_time(text)


def encode_json(value: Any) -> str:
    """Compact JSON that keeps Chinese text readable and refuses NaN, which JSON cannot carry."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def decode_json(text: str) -> Any:
    """Stored JSON text -> Python value."""
    return json.loads(text)
