"""When a reminder falls due: deadlines in (working) days, quiet hours, and the demo time scale.

Everything here is pure arithmetic on aware datetimes; the caller passes "now".

Two clocks. *Schedule time* is the calendar the person lives in: "the operator must answer
within 15 days", "not before 09:00". *Wall time* is what the delivery loop compares with its
clock. With REMINDER_TIME_SCALE = k, k seconds of schedule time pass per wall second, so a due
time is computed in schedule time from "now" and its distance from now is divided by k:

    wall_due = now + (sched_due - now) / k

With k = 1 (production) the two are the same. With k = 86400 a day of schedule passes in a
second, and a 15-day check-in arrives 15 seconds after filing, still showing the dates it
would have in real life.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from services.workdays import Basis, WorkCalendar

QUIET_START = time(21, 0)
QUIET_END = time(9, 0)


@dataclass(frozen=True)
class Due:
    """A due time in both clocks, and how far the working-day count can be trusted."""

    sched_at: datetime
    due_at: datetime
    basis: Basis = "official"
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class TimeScale:
    """k seconds of schedule time per wall second (REMINDER_TIME_SCALE)."""

    k: float = 1.0

    def __post_init__(self) -> None:
        if not self.k > 0:
            raise ValueError("the time scale must be greater than 0")

    def wall_due(self, now: datetime, sched_at: datetime) -> datetime:
        """The wall time at which a schedule time counted from `now` is reached."""
        return now + (sched_at - now) / self.k

    def sched_now(self, sched_at: datetime, due_at: datetime, wall_now: datetime) -> datetime:
        """Schedule time at `wall_now` on the timeline of a reminder due (sched_at, due_at).

        A reminder sent late (after downtime) is late by `k` times as much in schedule time,
        which is what decides whether sending it now would fall into the person's night.
        """
        return sched_at + (wall_now - due_at) * self.k


def is_quiet(moment: datetime, tz: tzinfo) -> bool:
    """Whether it is night (21:00–09:00) for the person."""
    local = moment.astimezone(tz).time()
    return local >= QUIET_START or local < QUIET_END


def out_of_quiet_hours(moment: datetime, tz: tzinfo) -> datetime:
    """The moment itself in the daytime; a night-time moment waits for 09:00 in the person's zone."""
    local = moment.astimezone(tz)
    if QUIET_END <= local.time() < QUIET_START:
        return moment
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    # Built from the wall-clock fields, so 09:00 stays 09:00 across a daylight-saving change.
    return datetime.combine(day, QUIET_END, tzinfo=tz).astimezone(moment.tzinfo)


def after_days(
    start: datetime,
    days: int,
    *,
    working_days: bool,
    calendar: WorkCalendar,
    office_tz: tzinfo,
) -> tuple[datetime, Basis, tuple[int, ...]]:
    """`days` (working) days after `start`, at the same time of day in the office's zone.

    Working days are counted on the office's calendar (Beijing dates for a Chinese regulator),
    not counting the start day; calendar days are plain days.
    """
    local = start.astimezone(office_tz)
    if not working_days:
        end = local.date() + timedelta(days=days)
        basis: Basis = "official"
        years: tuple[int, ...] = ()
    else:
        counted = calendar.add_working_days(local.date(), days)
        end, basis, years = counted.day, counted.basis, counted.years
    moment = datetime.combine(end, local.time().replace(tzinfo=None), tzinfo=office_tz)
    return moment.astimezone(start.tzinfo), basis, years


def plan_due(
    now: datetime,
    sched_at: datetime,
    person_tz: tzinfo,
    scale: TimeScale,
    basis: Basis = "official",
    years: tuple[int, ...] = (),
) -> Due:
    """Move a schedule time out of the person's night and convert it to wall time."""
    sched = out_of_quiet_hours(max(sched_at, now), person_tz)
    return Due(sched, scale.wall_due(now, sched), basis, years)


def in_days(now: datetime, days: int, person_tz: tzinfo, scale: TimeScale) -> Due:
    """A snooze: `days` calendar days from now, at the same local time, outside quiet hours."""
    local = now.astimezone(person_tz)
    target = datetime.combine(local.date() + timedelta(days=days), local.time().replace(tzinfo=None), tzinfo=person_tz)
    return plan_due(now, target.astimezone(now.tzinfo), person_tz, scale)
