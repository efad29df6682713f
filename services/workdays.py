"""Working-day calendars per jurisdiction, for deadlines counted in working days (工作日).

China moves weekends around its holidays every year (调休): the State Council's notice makes some
Saturdays and Sundays working days. `holidays` carries those notices as `weekend_workdays` for the
years it has one (through 2026 in holidays 0.109); for later years it still knows the statutory
holidays by rule, but not the make-up working days, so those years count as *estimated*. A year
outside the library's range, or any error from it, falls back to Monday–Friday. Every count says
which of the three it relied on, so the check-in can tell the person.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

import holidays

log = logging.getLogger(__name__)

Basis = Literal["official", "estimated", "weekdays"]
_RANK: dict[Basis, int] = {"official": 0, "estimated": 1, "weekdays": 2}

@dataclass(frozen=True)
class Counted:
    """A date reached by counting days, the worst calendar basis used on the way, and its years."""

    day: date
    basis: Basis
    years: tuple[int, ...] = ()


def worse(a: Basis, b: Basis) -> Basis:
    """The less trustworthy of two bases."""
    return b if _RANK[b] > _RANK[a] else a


class WorkCalendar:
    """Working days of one country: holidays and (for China) make-up working days.

    `country` is the `holidays` library's code, from the jurisdiction's `holidays` in channels.yaml;
    None counts Monday to Friday.
    """

    def __init__(self, country: str | None) -> None:
        self.country = country
        self._official_until = _official_until(self.country)

    def basis(self, year: int) -> Basis:
        """How much to trust this year's calendar."""
        calendar = self._calendar(year)
        if calendar is None:
            return "weekdays"
        if self._official_until is not None and year > self._official_until:
            return "estimated"
        return "official"

    def is_working_day(self, day: date) -> bool:
        calendar = self._calendar(day.year)
        if calendar is None:
            return day.weekday() < 5
        try:
            if day.weekday() >= 5:
                return day in getattr(calendar, "weekend_workdays", ())
            return day not in calendar
        except Exception:  # a library bug must never stop a reminder
            log.warning("holiday lookup failed for %s %s; counting Monday-Friday", self.country, day)
            return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> Counted:
        """The day `days` working days after `start` (start itself not counted)."""
        day, basis, years = start, self.basis(start.year), {start.year}
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if day.year not in years:
                years.add(day.year)
                basis = worse(basis, self.basis(day.year))
            if self.is_working_day(day):
                counted += 1
        return Counted(day, basis, tuple(y for y in sorted(years) if self.basis(y) == basis))

    def _calendar(self, year: int) -> Any | None:
        if self.country is None:
            return None
        return _country_year(self.country, year)


@lru_cache(maxsize=256)
def _country_year(country: str, year: int) -> Any | None:
    """One year of a country's holidays (with the weekend workdays of its notice), or None."""
    try:
        cls = holidays.country_holidays(country).__class__
        start, end = getattr(cls, "start_year", 1), getattr(cls, "end_year", 9999)
        if not start <= year <= end:
            return None
        # The neighbouring years too: a notice can move a weekend across New Year (2001-12-29).
        return holidays.country_holidays(country, years=(year - 1, year, year + 1))
    except Exception:
        log.warning("no holiday data for %s %d; counting Monday-Friday", country, year)
        return None


def _official_until(country: str | None) -> int | None:
    """The last year whose make-up working days are known (China only; None: every year is rule-based)."""
    if country != "CN":
        return None
    try:
        from holidays.countries.china import ChinaStaticHolidays

        return max(ChinaStaticHolidays.special_public_holidays)
    except Exception:
        return None


@lru_cache(maxsize=16)
def calendar_for(country: str | None) -> WorkCalendar:
    """The shared calendar of a `holidays` country code (None, or one it lacks, counts Monday–Friday)."""
    return WorkCalendar(country)
