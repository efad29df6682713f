"""Readings of the case facts (FACTS.md keys) shared by recommendation, rule checks and drafting."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Mapping

from engine.when_text import is_day_only
from knowledge.catalog import Catalog

Facts = Mapping[str, Any]

FRAUD_IMPERSONATIONS = frozenset({"police", "bank", "platform", "government", "relative", "boss"})


def answer(facts: Facts, key: str) -> Any:
    """The answer for `key`, with blanks (None, "", []) read as absent."""
    value = facts.get(key)
    return None if value in (None, "", [], {}) else value


def said_yes(facts: Facts, key: str) -> bool:
    return answer(facts, key) == "yes"


def parse_when(value: Any, tz: tzinfo, *, latest: bool = False) -> datetime | None:
    """An aware datetime from an ISO string or datetime; naive values are read in the jurisdiction's zone.

    A day ("2026-11-20"), a month ("2026-10") or a year ("2025") is read as its first moment, or with
    `latest` as its last: a rule that needs a date to lie far enough in the past ("registered 31 days
    before the call", "the call came after you opted out") must hold for every moment the person may have
    meant. Whether a clock time was given at all is `clock_known`.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        period = period_of(value)
        if period is not None:
            return _period_bound(*period, tz, latest)
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        if is_day_only(value) and latest:
            moment += timedelta(days=1) - timedelta(microseconds=1)
    else:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def clock_known(value: Any) -> bool:
    """Whether the answer gave a time of day: a rule on calling hours needs one, and a day never has it."""
    if isinstance(value, datetime):
        return True
    return isinstance(value, str) and not is_day_only(value) and period_of(value) is None and parse_when(
        value, UTC
    ) is not None


def period_of(value: Any) -> tuple[int, int | None] | None:
    """(year, month or None) when the answer gave only a month or a year, else None."""
    period = _PERIOD.fullmatch(value.strip()) if isinstance(value, str) else None
    return (int(period[1]), int(period[2]) if period[2] else None) if period else None


_PERIOD = re.compile(r"(\d{4})(?:-(\d{2}))?")


def _period_bound(year: int, month: int | None, tz: tzinfo, latest: bool) -> datetime | None:
    try:
        start = datetime(year, month or 1, 1, tzinfo=tz)
    except ValueError:
        return None
    if not latest:
        return start
    if month is None or month == 12:
        following = datetime(year + 1, 1, 1, tzinfo=tz)
    else:
        following = datetime(year, month + 1, 1, tzinfo=tz)
    return following - timedelta(microseconds=1)


def fraud_with_loss(facts: Facts) -> bool:
    """Money gone or a code shared: the cases where minutes matter."""
    return said_yes(facts, "money_lost") or said_yes(facts, "codes_shared")


def is_fraud(facts: Facts) -> bool:
    """Fraud by the person's own account, or by the signs that make it fraud whatever they called it."""
    return (
        answer(facts, "issue_type") == "fraud"
        or fraud_with_loss(facts)
        or answer(facts, "impersonation") in FRAUD_IMPERSONATIONS
    )


def operator_at_fault(catalog: Catalog, facts: Facts) -> str | None:
    """The person's own operator when the complaint is about the operator itself (CN only), else None.

    That is the case when the named company is the person's operator (its own marketing, a data leak),
    or when the complaint is about rude service and no other company is named.
    """
    if answer(facts, "jurisdiction") not in (None, "CN") or not catalog.has_channel("cn_operator"):
        return None
    operators = catalog.channel("cn_operator").operators
    own = answer(facts, "own_operator")
    own = own if own in operators else None
    company = str(answer(facts, "company") or "").casefold()
    if company:
        named = [key for key, op in operators.items() if any(_names(alias, company) for alias in op.aliases)]
        if own in named:
            return own
        if own is None and len(named) == 1:
            return named[0]
        return None
    if answer(facts, "issue_type") == "rude_service" and own is not None:
        return own
    return None


def _names(alias: str, company: str) -> bool:
    """Short aliases such as 移动 or 电信 must match whole, or "移动互联网科技" would read as China Mobile."""
    alias = alias.casefold()
    return alias in company if len(alias) >= 4 else company.strip() == alias
