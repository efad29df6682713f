"""Stored time answers in words, saying no more than was given: a day stays a day ("time not given").

Shared by the engine's echo of a parsed time, the summary and the drafts, so a misreading shows the same
way everywhere (issue 10).
"""
from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

WEEKDAYS = {
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# Names of the US zones a call can be read in, for saying which clock a time is on.
ZONE_NAMES = {
    "America/New_York": ("美国东部时间", "Eastern time"),
    "America/Detroit": ("美国东部时间", "Eastern time"),
    "America/Chicago": ("美国中部时间", "Central time"),
    "America/Denver": ("美国山地时间", "Mountain time"),
    "America/Boise": ("美国山地时间", "Mountain time"),
    "America/Phoenix": ("亚利桑那时间", "Arizona time"),
    "America/Los_Angeles": ("美国太平洋时间", "Pacific time"),
    "America/Anchorage": ("阿拉斯加时间", "Alaska time"),
    "Pacific/Honolulu": ("夏威夷时间", "Hawaii time"),
    "Asia/Shanghai": ("北京时间", "China time"),
    "Europe/London": ("英国时间", "UK time"),
}

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"\d{4}")


def is_day_only(value: object) -> bool:
    """A stored answer that names a day without a time of day."""
    return isinstance(value, str) and _DAY.fullmatch(value.strip()) is not None


def zone_name(zone: str, lang: str) -> str:
    names = ZONE_NAMES.get(zone)
    return (names[0] if lang == "zh" else names[1]) if names else zone


def day_text(moment: datetime, lang: str) -> str:
    """"2026年11月20日（周五）" / "Friday 20 November 2026"."""
    weekday = WEEKDAYS["zh" if lang == "zh" else "en"][moment.weekday()]
    if lang == "zh":
        return f"{moment.year}年{moment.month}月{moment.day}日（{weekday}）"
    return f"{weekday} {moment.day} {MONTHS_EN[moment.month - 1]} {moment.year}"


def describe_when(value: object, lang: str) -> str:
    """A stored time answer for people: a moment with its clock, a day with "time not given", a month or year."""
    return _described(str(value).strip() if value is not None else "", lang)


@lru_cache(maxsize=1024)
def _described(text: str, lang: str) -> str:
    """Cached: each time answer is said back at its question, in the summary and in every draft (issue 15);
    the words depend on the text and the language alone."""
    month = _MONTH.fullmatch(text)
    if month:
        year, number = int(month[1]), int(month[2])
        return f"{year}年{number}月" if lang == "zh" else f"{MONTHS_EN[number - 1]} {year}"
    if _YEAR.fullmatch(text):
        return f"{text}年" if lang == "zh" else text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if is_day_only(text):
        return f"{day_text(moment, lang)}，时间不详" if lang == "zh" else f"{day_text(moment, lang)}, time not given"
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    return f"{day_text(moment, lang)}{clock}" if lang == "zh" else f"{day_text(moment, lang)}, {clock}"
