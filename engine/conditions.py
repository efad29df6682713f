"""Evaluation of declarative conditions against the answers given so far."""
from __future__ import annotations

import calendar
import re
from datetime import datetime
from typing import Any, Callable

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


Test = Callable[[dict[str, Any]], bool]
# Each condition as a function, compiled on first use: the engine tests conditions dozens of times per event
# (which steps are skipped, where a branch goes, which alerts are due), and reading the condition's fields
# each time was a fifth of an event's cost (issue 15). Keyed by identity and holding the condition, so an id
# reused by a later object is never confused with it; a flow's conditions live as long as the flow.
_COMPILED: dict[int, tuple[Condition, Test]] = {}
_MAX_COMPILED = 4096


def holds(cond: Condition, answers: dict[str, Any]) -> bool:
    """True when `cond` is satisfied by `answers`; a missing answer satisfies no test but `is_set: false`."""
    return compiled(cond)(answers)


def compiled(cond: Condition) -> Test:
    """`cond` as a function of the answers (engine/route.py keeps the flow's at hand)."""
    entry = _COMPILED.get(id(cond))
    if entry is None or entry[0] is not cond:
        if len(_COMPILED) >= _MAX_COMPILED:
            _COMPILED.clear()
        entry = _COMPILED[id(cond)] = (cond, _compile(cond))
    return entry[1]


def _compile(cond: Condition) -> Test:
    """`cond` as a function of the answers, deciding as its fields read (tests/engine/test_conditions.py
    keeps that reading as the reference)."""
    if cond.all is not None or cond.any is not None:
        parts = tuple(_part(c) for c in (cond.all if cond.all is not None else cond.any or []))
        # all: stop at the first False; any: at the first True.
        stop_at = cond.all is None

        def combined(answers: dict[str, Any]) -> bool:
            for how, key, arg in parts:
                if how is _EQUALS:
                    result = bool(answers.get(key) == arg)
                elif how is _IN:
                    result = (value := answers.get(key)) is not None and value in arg
                else:
                    result = arg(answers)
                if result == stop_at:
                    return stop_at
            return not stop_at

        return combined
    if cond.not_ is not None:
        inner = _compile(cond.not_)
        return lambda answers: not inner(answers)
    key = cond.answer or ""
    if cond.is_set is not None:
        is_set = cond.is_set
        return lambda answers: _present(answers.get(key)) == is_set
    if cond.equals is not None:
        equals = cond.equals
        # A missing answer (None) equals no value a condition names, as `equals` is never None here.
        return lambda answers: bool(answers.get(key) == equals)
    if cond.in_ is not None:
        among = cond.in_
        return lambda answers: (value := answers.get(key)) is not None and value in among
    if cond.contains is not None:
        item, word = cond.contains, str(cond.contains).lower()

        def contains(answers: dict[str, Any]) -> bool:
            value = answers.get(key)
            if value is None:
                return False
            return item in value if isinstance(value, list) else word in _text_of(value).lower()

        return contains
    if cond.before is not None:
        other = cond.before
        return lambda answers: (value := answers.get(key)) is not None and _wholly_before(value, answers.get(other))
    if cond.matches_any is not None:
        if not cond.matches_any:
            return lambda answers: False
        # Any of the words inside the text: one search for all of them (alerts test this after every answer).
        search = re.compile("|".join(re.escape(word.lower()) for word in cond.matches_any)).search
        # The last text searched and what was found: an alert searches the same story after every later
        # answer (the state copy keeps the very string), ~20k instructions a time for a long one (issue 15).
        last: tuple[str | None, bool] = (None, False)

        def matches(answers: dict[str, Any]) -> bool:
            nonlocal last
            value = answers.get(key)
            if value is None:
                return False
            if type(value) is not str:
                return search(_text_of(value).lower()) is not None
            seen = last
            if seen[0] is value:
                return seen[1]
            found = search(value.lower()) is not None
            last = (value, found)
            return found

        return matches
    gte, lte = cond.gte, cond.lte

    def compares(answers: dict[str, Any]) -> bool:
        value = answers.get(key)
        number = None if value is None else _as_number(value)
        if number is None:
            return False
        if gte is not None:
            return number >= gte
        if lte is not None:
            return number <= lte
        return False

    return compares


# How a part of an `all` or `any` is tested: an `equals` or `in` part (most of them) is read in place, the
# same test as its own function below; a call per part was most of the alerts' cost, three alerts tested
# after every answer (issue 15).
_EQUALS, _IN, _CALL = "equals", "in", "call"


def _part(cond: Condition) -> tuple[str, str, Any]:
    if cond.all is None and cond.any is None and cond.not_ is None and cond.is_set is None:
        if cond.equals is not None:
            return _EQUALS, cond.answer or "", cond.equals
        if cond.in_ is not None:
            return _IN, cond.answer or "", cond.in_
    return _CALL, "", _compile(cond)


def _present(value: Any) -> bool:
    return value is not None and value != [] and value != ""


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
