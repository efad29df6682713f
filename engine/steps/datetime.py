"""`datetime`: when something happened, read in the called person's time zone and said back at once."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.answers import Accepted, Rejected, clean_text, looks_garbled
from engine.i18n import t
from engine.model import DateTimeStep
from engine.parsing import parse_when
from engine.parsing.datetimes import TimeProblem
from engine.regions import NO_REGION, Regions, zone_is_certain, zone_of_call
from engine.steps.kind import TypedKind
from engine.when_text import describe_when, is_day_only, zone_name

if TYPE_CHECKING:
    from engine.engine import Turn


def datetime_answer(
    step: DateTimeStep,
    raw: str,
    answers: dict[str, Any],
    lang: str,
    now: datetime,
    regions: Regions,
    person_zone: str | None = None,
) -> Accepted | Rejected:
    """The time read in the called person's zone, with the day and month in the jurisdiction's order."""
    if looks_garbled(raw):
        return Rejected("error.not_text")
    region = regions.for_answers(answers, step.region_from, lang) or NO_REGION
    tz = zone_of_call(region, answers, person_zone)
    parsed = parse_when(clean_text(raw)[:200], now, tz, lang, date_order=region.date_order)
    if isinstance(parsed, TimeProblem):
        if parsed.reason == "future" and step.allow_future:
            return Rejected("error.time_unreadable")
        return Rejected(f"error.time_{parsed.reason}")
    if parsed.coarser_than(step.coarsest):
        return Rejected(f"error.time_too_vague.{step.coarsest}")
    iso = parsed.to_iso()
    return Accepted(iso, describe_when(iso, lang))


class DateTimeKind(TypedKind[DateTimeStep]):
    model = DateTimeStep
    expects = "datetime"

    def read_text(self, turn: Turn, step: DateTimeStep, raw: str) -> None:
        s = turn.s
        result = datetime_answer(step, raw, s.answers, turn.lang, turn.now, turn.engine.regions, s.timezone)
        if isinstance(result, Accepted):
            # Said back at once, so a misreading is caught at its step rather than in the letter.
            turn.say(self.time_echo(turn, step, result), kind="info")
        turn.accept(step, result)

    def time_echo(self, turn: Turn, step: DateTimeStep, result: Accepted) -> str:
        """"Noted: Friday 20 November 2026, 14:30", naming the zone where a country has several and the
        called person's is not known."""
        lang, s = turn.lang, turn.s
        region = turn.engine.regions.for_answers(s.answers, step.region_from, lang) or NO_REGION
        text = t("time.noted", lang, when=result.label)
        if not is_day_only(result.value) and not zone_is_certain(region, s.answers, s.timezone):
            zone = zone_of_call(region, s.answers, s.timezone)
            text += "\n" + t("time.zone_assumed", lang, zone=zone_name(zone, lang))
        return text

    def display(self, turn: Turn, step: DateTimeStep, value: Any) -> str:
        """A stored time with its weekday: a day without a time says so, a month or a year as such."""
        return describe_when(value, turn.lang)
