"""Evaluation of declarative conditions against the answers given so far."""
from __future__ import annotations

import calendar
import re
from datetime import datetime
from typing import Any

from engine.model import Condition

_STORED_TIME = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}))?)?)?")


def _as_number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(_text_of(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_text_of(v) for v in value.values())
    return "" if value is None else str(value)


def holds(cond: Condition, answers: dict[str, Any]) -> bool:
    """True when `cond` is satisfied by `answers`; a missing answer satisfies no test but `is_set: false`."""
    if cond.all is not None:
        return all(holds(c, answers) for c in cond.all)
    if cond.any is not None:
        return any(holds(c, answers) for c in cond.any)
    if cond.not_ is not None:
        return not holds(cond.not_, answers)
    value = answers.get(cond.answer or "")
    if cond.is_set is not None:
        present = value is not None and value != [] and value != ""
        return present == cond.is_set
    if value is None:
        return False
    if cond.equals is not None:
        return value == cond.equals
    if cond.in_ is not None:
        return value in cond.in_
    if cond.contains is not None:
        if isinstance(value, list):
            return cond.contains in value
        return str(cond.contains).lower() in _text_of(value).lower()
    if cond.before is not None:
        return _wholly_before(value, answers.get(cond.before))
    if cond.matches_any is not None:
        text = _text_of(value).lower()
        return any(word.lower() in text for word in cond.matches_any)
    number = _as_number(value)
    if number is None:
        return False
    if cond.gte is not None:
        return number >= cond.gte
    if cond.lte is not None:
        return number <= cond.lte
    return False


def time_span(value: Any) -> tuple[datetime, datetime] | None:
    """The first and last minute a stored time can mean, on the wall clock where it was given: "2026-10"
    is all of October, a day all of that day, a moment itself. None for anything else."""
    match = _STORED_TIME.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day, hour, minute = (int(g) if g else None for g in match.groups())
    assert year is not None
    if hour is not None and month and day:
        moment = datetime(year, month, day, hour, minute or 0)
        return moment, moment
    first_month, last_month = (month, month) if month else (1, 12)
    first_day = day or 1
    last_day = day or calendar.monthrange(year, last_month)[1]
    return datetime(year, first_month, first_day), datetime(year, last_month, last_day, 23, 59)


def _wholly_before(value: Any, other: Any) -> bool:
    """True only when every moment `value` can mean is before every moment `other` can: a vague time
    never proves an order."""
    mine, theirs = time_span(value), time_span(other)
    return mine is not None and theirs is not None and mine[1] < theirs[0]


def referenced_answers(cond: Condition) -> list[str]:
    """Every step id a condition reads, for the flow checker."""
    if cond.all is not None or cond.any is not None:
        return [ref for c in (cond.all or cond.any or []) for ref in referenced_answers(c)]
    if cond.not_ is not None:
        return referenced_answers(cond.not_)
    return [x for x in (cond.answer, cond.before) if x]
