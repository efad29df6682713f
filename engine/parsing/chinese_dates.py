"""The everyday Chinese ways of writing when, read directly: 昨天下午3点, 前天晚上8点半, 11月20日 14:32.

jionlp reads these right but needs about half a millisecond each, most of the engine's time for a whole
complaint (issue 15). This reader takes only the forms whose reading is plain: a day (今天, 昨天, 前天,
大前天, or [YYYY年]M月D日) and/or a clock time (3点, 三点半, 下午3点20分, 14:32), with or without a part of
the day. It gives what jionlp gives for them (tests/parsing/test_direct_dates.py checks the two agree);
anything else, and the odd corners (中午, 晚上12点, 24点), returns None and goes to jionlp as before.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.parsing.datetimes import Precision

_DAYS_BACK = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "大前天": 3, "昨晚": 1}
_MORNING = ("上午", "早上", "早晨", "凌晨", "清晨", "早")
_AFTERNOON = ("下午",)
_EVENING = ("晚上", "傍晚", "夜里", "半夜", "晚间", "夜间", "晚")
_PART = "|".join(sorted((*_MORNING, *_AFTERNOON, *_EVENING), key=len, reverse=True))
_HOUR = r"\d{1,2}|[零〇一二两三四五六七八九十]{1,3}"

_WHEN = re.compile(
    r"(?:(?P<word>大前天|前天|昨天|昨日|今天|今日|昨晚)"
    r"|(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号])?"
    r"(?P<space>\s)?"
    rf"(?P<part>{_PART})?"
    rf"(?:(?P<hour>{_HOUR})点(?:(?P<half>半)|(?P<quarter>一刻|三刻)|(?P<minute>\d{{1,2}})分?)?(?:左右|多)?"
    r"|(?P<clock_hour>\d{1,2}):(?P<clock_minute>\d{2}))?"
)
_UNITS = "零一二三四五六七八九"


def _spoken(number: int) -> str:
    """0..23 as written in characters: 三, 十, 十二, 二十三."""
    if number < 10:
        return _UNITS[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else _UNITS[tens]) + "十" + (_UNITS[ones] if ones else "")


_SPOKEN_HOURS = {**{_spoken(n): n for n in range(24)}, "两": 2, "〇": 0}


def read_chinese_directly(text: str, local_now: datetime) -> tuple[datetime, Precision] | None:
    """The moment `text` names and its precision, or None when it is not one of the plain forms.

    `text` is the cleaned answer (NFKC, lower case, spaces collapsed); `local_now` is naive local time.
    A day without a year is in `local_now`'s year and a clock without a day is today, as jionlp reads them:
    the caller moves such partial answers into the past.
    """
    match = _WHEN.fullmatch(text)
    if match is None or not text:
        return None
    word, part = match["word"], match["part"]
    has_day = word is not None or match["month"] is not None
    hour_text = match["hour"] or match["clock_hour"]
    if hour_text is None:
        # A day alone. A part of the day without a clock ("昨天下午", "昨晚") is a span jionlp reads its own way.
        if not has_day or part or match["space"] or word == "昨晚":
            return None
        day = _day(match, local_now)
        return (datetime.combine(day, time()), "day") if day else None
    if match["space"] and (not has_day or part or word == "昨晚"):
        return None
    hour = int(hour_text) if hour_text.isdigit() else _SPOKEN_HOURS.get(hour_text)
    minute = _minute(match)
    if hour is None or minute is None:
        return None
    if word == "昨晚":
        part = part or "晚上"
    hour = _on_the_clock(hour, part)
    day = _day(match, local_now) if has_day else local_now.date()
    if hour is None or day is None:
        return None
    given_minute = match["half"] or match["quarter"] or match["minute"] or match["clock_minute"]
    return datetime.combine(day, time(hour, minute)), "minute" if given_minute is not None else "hour"


def _day(match: re.Match[str], local_now: datetime) -> date | None:
    if match["word"] is not None:
        return local_now.date() - timedelta(days=_DAYS_BACK[match["word"]])
    year = int(match["year"]) if match["year"] else local_now.year
    try:
        return date(year, int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def _minute(match: re.Match[str]) -> int | None:
    if match["half"]:
        return 30
    if match["quarter"]:
        return 15 if match["quarter"] == "一刻" else 45
    text = match["minute"] or match["clock_minute"]
    if text is None:
        return 0
    minute = int(text)
    return minute if minute <= 59 else None


def _on_the_clock(hour: int, part: str | None) -> int | None:
    """The 24-hour hour: 下午3点 is 15:00, 晚上8点 20:00, 晚上3点 03:00; None where jionlp reads it some
    other way (晚上12点 is the next day's 00:00 there) or it is no hour."""
    if hour > 23:
        return None
    if part in _AFTERNOON and 1 <= hour <= 11:
        return hour + 12
    if part in _EVENING:
        if hour == 12:
            return None
        if 5 <= hour <= 11:
            return hour + 12
    return hour
