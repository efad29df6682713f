"""Turning one typed answer into a validated value, or a polite reason to ask again.

One function per step type; each returns `Accepted` (value + how to show it) or `Rejected`
(the message key and its values). Pure: "now" is passed in.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.choice_match import pick
from engine.i18n import t
from engine.model import (
    ChoicesStep,
    ChoiceStep,
    DateTimeStep,
    NumberStep,
    Option,
    PhoneStep,
    TextStep,
)
from engine.parsing import parse_phone_numbers, parse_when
from engine.parsing.datetimes import TimeProblem
from engine.regions import NO_REGION, Regions, zone_of_call
from engine.validators import VALIDATORS
from engine.when_text import describe_when


@dataclass(frozen=True)
class Accepted:
    value: Any
    label: str


@dataclass(frozen=True)
class Rejected:
    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


def small_number(text: str, limit: int = 9) -> int | None:
    """A typed option or case number: ASCII digits only (str.isdigit also admits digits int() refuses)."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= limit:
        return int(text)
    return None


def clean_text(text: str) -> str:
    """Normalise width and spaces (full-width digits from Chinese keyboards are common)."""
    return unicodedata.normalize("NFKC", text).strip()


def looks_garbled(text: str) -> bool:
    """True for binary junk pasted as text: control characters or replacement characters dominate."""
    if not text or (text.isprintable() and "\ufffd" not in text):
        # Printable text holds no control, surrogate, private-use or unassigned character: the usual case,
        # answered without looking at each character (issue 15).
        return False
    bad = sum(
        1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t")
    )
    return bad > max(2, len(text) // 20)


def text_answer(step: TextStep, raw: str) -> Accepted | Rejected:
    text = raw.strip()
    if looks_garbled(text) or (text and all(unicodedata.category(ch).startswith("C") for ch in text)):
        # Control or format characters alone (a stray \x01\x02) are no answer to keep.
        return Rejected("error.not_text")
    if not text:
        return Rejected("error.empty")
    if len(text) > step.max_length:
        return Rejected("error.too_long", {"length": len(text), "max": step.max_length})
    if len(text) < step.min_length:
        return Rejected("error.too_short", {"min": step.min_length})
    if step.pattern and not re.fullmatch(step.pattern, text):
        return Rejected("error.pattern")
    if step.validator:
        problem = VALIDATORS[step.validator](text)
        if problem:
            return Rejected(problem)
    return Accepted(text, text)


_NUMBER = re.compile(r"^[^\d\-]*(-?\d+(?:\.\d+)?)\s*[^\d]*$")


def plain_number(value: float) -> str:
    """A limit as people write it: 100,000,000 rather than 1e+08."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def number_answer(step: NumberStep, raw: str) -> Accepted | Rejected:
    text = clean_text(raw).replace(",", "").replace(" ", "")
    match = _NUMBER.match(text)
    if not match or len(text) > 40:
        return Rejected("error.number")
    number = float(match.group(1))
    if step.integer and not number.is_integer():
        return Rejected("error.integer")
    if step.min is not None and number < step.min:
        return Rejected("error.number_min", {"min": plain_number(step.min)})
    if step.max is not None and number > step.max:
        return Rejected("error.number_max", {"max": plain_number(step.max)})
    value: float | int = int(number) if number.is_integer() else number
    return Accepted(value, f"{value:g}" if isinstance(value, float) else str(value))


def match_option(options: list[Option], raw: str, lang: str) -> Option | None:
    """An option named by its number, label or synonym (either language) or value."""
    number = small_number(clean_text(raw))
    if number is not None and 1 <= number <= len(options):
        return options[number - 1]
    value = pick([(o.value, o.terms) for o in options], raw)
    return next((o for o in options if o.value == value), None)


def choice_answer(step: ChoiceStep, raw: str, lang: str) -> Accepted | Rejected:
    option = match_option(step.options, raw, lang)
    if option is None:
        return Rejected("error.choice")
    return Accepted(option.value, option.label.get(lang))


def choices_answer(step: ChoicesStep, picked: list[str], lang: str) -> Accepted | Rejected:
    top = step.max_selected if step.max_selected is not None else len(step.options)
    if len(picked) < step.min_selected:
        return Rejected("error.choices_min", {"min": step.min_selected})
    if len(picked) > top:
        return Rejected("error.choices_max", {"max": top})
    ordered = [o.value for o in step.options if o.value in picked]
    return Accepted(ordered, choices_label(step, ordered, lang))


def choices_label(step: ChoicesStep, values: list[str], lang: str) -> str:
    labels = {o.value: o.label.get(lang) for o in step.options}
    return "、".join(labels.get(v, v) for v in values) if lang == "zh" else ", ".join(labels.get(v, v) for v in values)


# Coarse first ("wasted time, stress" keeps its words together), then at every space too ("1 3").
_CHOICES_SPLITS = (
    re.compile(r"[,，、;；/]+|和|以及|还有|\band\b|\bor\b"),
    re.compile(r"[,，、;；/\s]+|和|以及|还有|\band\b|\bor\b"),
)


def parse_choices_text(step: ChoicesStep, raw: str, lang: str) -> list[str] | None:
    """'1,3' or 'Stress, Sleep' typed instead of tapping: the values, or None if any part is unknown."""
    for splitter in _CHOICES_SPLITS:
        parts = [p.strip() for p in splitter.split(clean_text(raw)) if p.strip()]
        options = [match_option(step.options, part, lang) for part in parts]
        if parts and all(o is not None for o in options):
            return list(dict.fromkeys(o.value for o in options if o is not None))
    return None


def phone_answer(step: PhoneStep, raw: str, answers: dict[str, Any], lang: str, regions: Regions) -> Accepted | Rejected:
    if looks_garbled(raw):
        return Rejected("error.not_text")
    region = regions.for_answers(answers, step.region_from, lang) or NO_REGION
    numbers, problems = parse_phone_numbers(raw, region.phone_region)
    if problems:
        first = problems[0]
        return Rejected("error.phone_problem", {"raw": first.raw[:40], "reason": t(f"phone.{first.reason}", lang)})
    if not numbers:
        return Rejected("error.phone_none")
    if not step.multiple and len(numbers) > 1:
        return Rejected("error.phone_too_many")
    if len(numbers) > step.max_numbers:
        return Rejected("error.phone_max", {"max": step.max_numbers})
    values = [n.to_dict() for n in numbers]
    return Accepted(values, phones_label(values))


def phones_label(values: list[dict[str, Any]]) -> str:
    return ", ".join(str(v.get("display") or v.get("number")) for v in values)


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
    return Accepted(iso, time_label(iso, lang))


def time_label(iso: str, lang: str = "en") -> str:
    """A stored time for people, with its weekday: a day without a time says so, a month or a year as such."""
    return describe_when(iso, lang)
