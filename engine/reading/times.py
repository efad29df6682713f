"""Time stamps as phones print them and people say them: 11月28日, 昨天, 星期五, 14:32, 下午3点, 刚才.

Pure: every reading is resolved against a `now` the caller gives (no clock). The forms are few and fixed,
so they are matched directly; a general date parser costs milliseconds per call and misses 昨天下午3点
(see the brief's known traps).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from engine.reading.findings import When

# A reading later than now by more than this is not a past event: a bare clock then means yesterday.
_FUTURE_SLACK = timedelta(minutes=10)

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "1": 0, "2": 1, "3": 2,
             "4": 3, "5": 4, "6": 5, "7": 6}
_EN_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_EN_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "today": 0, "yesterday": 1}
_AFTERNOON = ("下午", "晚上", "傍晚", "夜里", "晚", "pm")

_CN_NUMBER = r"[\d零〇一二两三四五六七八九十]{1,3}"
_DAY = (
    r"(?:(?P<y>\d{4})\s*[年/.-]\s*)?(?P<mo>\d{1,2})\s*(?:月\s*(?P<d1>\d{1,2})\s*[日号]?|[/-](?P<d2>\d{1,2}))"
    r"|(?P<rel>今天|今日|昨天|昨日|前天|today|yesterday)"
    r"|(?:星期|周|礼拜)(?P<wd>[一二三四五六日天1-7])"
    # Whole words only: "owed" holds "wed" and "friend" "fri"; "sat" and "sun" are words too, so only in full.
    r"|\b(?P<ewd>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri)\b"
    r"|\b(?P<emo>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<ed>\d{1,2})(?:st|nd|rd|th)?"
)
_CLOCK = (
    r"(?P<pod>上午|下午|中午|晚上|早上|早晨|凌晨|傍晚|夜里|晚|早)?\s*"
    r"(?:(?P<h>\d{1,2})\s*:\s*(?P<m>\d{2})(?:\s*(?P<ampm>am|pm))?"
    rf"|(?P<hc>{_CN_NUMBER})\s*点(?:\s*(?P<half>半)|(?P<mc>\d{{1,2}}(?!\d)|[零〇一二三四五六七八九十]{{1,3}})\s*分?)?"
    r"|(?P<he>\d{1,2})\s*(?P<ampm2>am|pm))"
)
_STAMP = re.compile(
    rf"(?<![\d/.:-])(?:(?:{_DAY})\s*)?(?:{_CLOCK})?(?![\d/:-])"
    r"|(?P<now>刚才|刚刚|just now)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Stamp:
    """One time expression found in a text: its span, its day part and its clock part, not yet resolved."""

    start: int
    end: int
    day: tuple[str, int, int, int] | None
    clock: tuple[int, int] | None


def normalise(text: str) -> str:
    """Full-width digits, colons and letters to ASCII (OCR and phones mix both), same length as the input."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def scan(text: str) -> list[Stamp]:
    """Every date or time expression in `text`, left to right (spans index the given text)."""
    stamps = []
    for match in _STAMP.finditer(normalise(text)):
        if match.end() == match.start():
            continue
        if match.group("now"):
            stamps.append(Stamp(match.start(), match.end(), ("now", 0, 0, 0), None))
            continue
        day = _day(match)
        clock = _clock(match)
        if day is None and clock is None:
            continue
        if day is None and clock is not None and not _clock_is_plausible(match):
            continue
        stamps.append(Stamp(match.start(), match.end(), day, clock))
    return stamps


def resolve(day: tuple[str, int, int, int] | None, clock: tuple[int, int] | None, now: datetime) -> When | None:
    """The moment a day part and a clock part name, seen from `now`; None when they name no real past moment."""
    if day is not None and day[0] == "now":
        return When(now.replace(second=0, microsecond=0), "minute")
    on = _date_of(day, now) if day is not None else now.date()
    if on is None:
        return None
    if clock is None:
        return When(datetime.combine(on, time(0, 0), tzinfo=now.tzinfo), "day")
    at = datetime.combine(on, time(*clock), tzinfo=now.tzinfo)
    if day is None and at > now + _FUTURE_SLACK:
        at -= timedelta(days=1)
    if at > now + _FUTURE_SLACK:
        return None
    return When(at, "minute")


def find_times(text: str, now: datetime) -> list[When]:
    """Every moment `text` names, resolved against `now`, in the order written."""
    found = (resolve(stamp.day, stamp.clock, now) for stamp in scan(text))
    return [when for when in found if when is not None]


def _day(match: re.Match[str]) -> tuple[str, int, int, int] | None:
    if match.group("mo"):
        day = match.group("d1") or match.group("d2")
        year = int(match.group("y")) if match.group("y") else 0
        if day is None:
            return None
        return ("ymd", year, int(match.group("mo")), int(day))
    if match.group("rel"):
        return ("rel", _RELATIVE_DAYS[match.group("rel").lower()], 0, 0)
    if match.group("wd"):
        return ("wd", _WEEKDAYS[match.group("wd")], 0, 0)
    if match.group("ewd"):
        return ("wd", _EN_WEEKDAYS[match.group("ewd").lower()[:3]], 0, 0)
    if match.group("emo"):
        return ("ymd", 0, _EN_MONTHS[match.group("emo").lower()[:3]], int(match.group("ed")))
    return None


def _clock(match: re.Match[str]) -> tuple[int, int] | None:
    ampm = (match.group("ampm") or match.group("ampm2") or "").lower()
    if match.group("h"):
        hour, minute = int(match.group("h")), int(match.group("m"))
    elif match.group("hc"):
        hour = _cn_number(match.group("hc"))
        minute = 30 if match.group("half") else (_cn_number(match.group("mc")) if match.group("mc") else 0)
    elif match.group("he"):
        hour, minute = int(match.group("he")), 0
    else:
        return None
    part = (match.group("pod") or "") + ampm
    afternoon = any(word in part for word in _AFTERNOON) or part.startswith("中午")
    if afternoon and hour < 12 and not (part.startswith("中午") and hour == 11):
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    return hour, minute


def _clock_is_plausible(match: re.Match[str]) -> bool:
    """A bare "3点" or "下午三点" is a time; a bare "一点" is usually "a bit" (便宜一点), not one o'clock."""
    spelled = match.group("hc")
    if spelled and not spelled.isdigit() and not match.group("pod"):
        return False
    return bool(match.group("h") or spelled or match.group("he"))


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)
    value = 0
    for ch in text:
        value = value * 10 + _CN_DIGITS.get(ch, 0)
    return value


def _date_of(day: tuple[str, int, int, int], now: datetime) -> date | None:
    kind, a, b, c = day
    today = now.date()
    if kind == "rel":
        return today - timedelta(days=a)
    if kind == "wd":
        back = (today.weekday() - a) % 7 or 7
        return today - timedelta(days=back)
    year = a or today.year
    try:
        on = date(year, b, c)
    except ValueError:
        return None
    if not a and on > today:
        try:
            on = date(year - 1, b, c)
        except ValueError:
            return None
    return on
