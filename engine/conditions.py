"""Evaluation of declarative conditions against the answers given so far."""
from __future__ import annotations

from typing import Any

from engine.model import Condition


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


def referenced_answers(cond: Condition) -> list[str]:
    """Every step id a condition reads, for the flow checker."""
    if cond.all is not None or cond.any is not None:
        return [ref for c in (cond.all or cond.any or []) for ref in referenced_answers(c)]
    if cond.not_ is not None:
        return referenced_answers(cond.not_)
    return [cond.answer] if cond.answer else []
