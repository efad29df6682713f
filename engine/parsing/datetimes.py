"""Date/time reading: turn a free-text answer ("昨天下午3点", "yesterday 3pm") into a local moment, or say why not.

Two parsers, each used where it is strong: jionlp reads colloquial Chinese (下午3点, 上周五, 前天晚上8点) that
dateparser returns nothing for; dateparser reads English and numeric forms. The common plain forms (ISO dates,
昨天下午3点, 11月20日 14:32) are read directly first, as the two parsers take a millisecond or so each (issue 15).
"now" is always passed in.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from engine.parsing.chinese_dates import read_chinese_directly

# How much of the moment the person gave: "上个月" or "March 2025" is a month, "去年" or "2019" a year.
Precision = Literal["minute", "hour", "day", "month", "year"]
PRECISIONS: tuple[Precision, ...] = ("minute", "hour", "day", "month", "year")
TimeProblemReason = Literal["unreadable", "impossible", "future", "too_old"]

# Clocks of phone and server differ a little, and "10:05" typed at 10:01 is no lie.
FUTURE_TOLERANCE = timedelta(minutes=10)
EARLIEST_YEAR = 1990
# A when-answer longer than this is a story, not a time; the parsers also slow down on long text.
MAX_INPUT_CHARS = 200

_Reading = tuple[datetime, Precision]


@dataclass(frozen=True)
class ParsedTime:
    """A moment in the answer's time zone, and how much of it the person actually said."""

    at: datetime
    precision: Precision

    def to_iso(self) -> str:
        """ISO 8601 as stored in answers: with offset ("2026-11-26T15:00:00+08:00") for a moment, and the
        reduced forms "2026-11-20" for a day, "2026-10" for a month and "2025" for a year, which say no more
        than was said: a day stored at midnight would later read as a call at 00:00 (issue 10)."""
        if self.precision == "day":
            return self.at.date().isoformat()
        if self.precision == "month":
            return f"{self.at.year:04d}-{self.at.month:02d}"
        if self.precision == "year":
            return f"{self.at.year:04d}"
        return self.at.isoformat()

    def coarser_than(self, precision: Precision) -> bool:
        return PRECISIONS.index(self.precision) > PRECISIONS.index(precision)


@dataclass(frozen=True)
class TimeProblem:
    """Why an answer gave no usable moment."""

    reason: TimeProblemReason


def parse_when(text: str, now: datetime, tz: str, lang: str, *, date_order: str | None = None) -> ParsedTime | TimeProblem:
    """Read when something happened, relative to the aware `now`, as local time in `tz`; never raises on `text`.

    `date_order` (DMY, MDY, YMD: the country's, from channels.yaml) says how 01/11/2026 reads, and whether a
    year-less "11/20" or "11.20" is month first (China, the US) or "20/11" day first (the UK).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone).replace(tzinfo=None)
    order = date_order or ("MDY" if tz.startswith(("America/", "US/")) else "DMY")
    try:
        reading = _read(text, local_now, tz, lang, order)
    except Exception:  # noqa: BLE001 - the parsers raise all sorts on odd text; the person can simply retry
        return TimeProblem("unreadable")
    if isinstance(reading, TimeProblem):
        return reading
    local_at, precision = reading
    at = local_at.replace(tzinfo=zone)
    if at > now + FUTURE_TOLERANCE:
        return TimeProblem("future")
    if local_at.year < EARLIEST_YEAR:
        return TimeProblem("too_old")
    return ParsedTime(at, precision)


def _read(text: str, local_now: datetime, tz: str, lang: str, order: str) -> _Reading | TimeProblem:
    cleaned = _clean(text)
    if not cleaned or len(cleaned) > MAX_INPUT_CHARS or not _could_be_a_time(cleaned):
        return TimeProblem("unreadable")
    if _JUST_NOW.fullmatch(cleaned):
        return local_now.replace(second=0, microsecond=0), "minute"
    iso = _read_iso(cleaned)
    if iso is not None:
        return iso
    # A plain Chinese form reads only when it names a real day and clock time (it has no "." or "/" either),
    # so it needs neither the check nor the respelling below; tests/parsing/test_direct_dates.py holds it to that.
    direct = read_chinese_directly(cleaned, local_now) if _CJK.search(cleaned) else None
    if direct is not None:
        return _prefer_past(direct, cleaned, local_now)
    # Checked before parsing because the parsers roll over: dateparser reads "2026-13-01" as 13 January and
    # ignores the "25:00" in "25:00 yesterday"; jionlp reads 13月1日 as 1 March.
    if _names_impossible_date_or_time(cleaned):
        return TimeProblem("impossible")
    spelled = _spell_numeric_month_day(_DOTTED_CLOCK.sub(r"\1:\2\3", cleaned), order)
    if spelled is None:
        return TimeProblem("impossible")
    cleaned = spelled
    reading = _read_chinese(cleaned, local_now) if _CJK.search(cleaned) else None
    if reading is None:
        reading = _read_with_dateparser(cleaned, local_now, tz, lang, order)
    if reading is None:
        return TimeProblem("unreadable")
    return _prefer_past(reading, cleaned, local_now)


def _clean(text: str) -> str:
    """The answer in one canonical form: NFKC (full-width digits, colons, spaces to ASCII), lower case, and
    without control characters, English filler words or outer punctuation."""
    normal = unicodedata.normalize("NFKC", text)
    if not normal.isprintable():  # printable text has no character of a C category: nothing to blank
        normal = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in normal)
    visible = normal.lower()
    return " ".join(_ENGLISH_FILLER.sub(" ", visible).split()).strip(" .,;!?。，；！？~～")


# Words around a time that dateparser does not expect ("around 11am", "it was yesterday at 3pm or so").
_ENGLISH_FILLER = re.compile(
    r"\b(?:it was|i think|maybe|probably|sometime|around|about|approximately|approx|roughly|or so)\b|(?<=[\dm])ish\b"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_JUST_NOW = re.compile(r"just now|right now|now|a moment ago|刚才|刚刚|刚|现在|就在刚才|就在刚刚")

# Symbols no one writes in a date, which the parsers skip: "7*7", "{{ 7*7 }}" and "#7#7" would otherwise
# read as 7 July (issue 11).
_NOT_IN_A_TIME = re.compile(r"[*{}#<>$=|\\^`\[\]@&%_+\"]")
# A bare number is not a time: dateparser reads "99" as 1999 and "5" as the 5th. A four-digit year stays.
_BARE_NUMBER = re.compile(r"\d{1,3}|\d{5,}")


def _could_be_a_time(text: str) -> bool:
    return not _NOT_IN_A_TIME.search(text) and not _BARE_NUMBER.fullmatch(text)


# "2026-11-01 09:00", "2026/11/01" or "2026-11-01t09:00:00": read directly, as dateparser spends a
# millisecond on them (issue 15).
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ t](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _read_iso(text: str) -> _Reading | TimeProblem | None:
    """The reading of an ISO answer, or "impossible" for one naming no real day or clock time (as the
    general check would say); None for any other text."""
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    if not _is_date(year, month, day) or (match[4] is not None and not _is_clock(int(match[4]), int(match[5]))):
        return TimeProblem("impossible")
    if match[4] is None:
        return datetime(year, month, day), "day"
    return datetime(year, month, day, int(match[4]), int(match[5])), "minute"


# "8.45pm": dateparser drops a dotted clock and keeps only the day.
_DOTTED_CLOCK = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(\s*(?:am|pm|a\.m\.|p\.m\.))")
# "11.20", "11/20", "20/11 3pm": a day and a month without a year, in the order of the place.
_NUMERIC_MONTH_DAY = re.compile(r"(?<![\d./-])(\d{1,2})[./](\d{1,2})(?![\d./-])")


def _spell_numeric_month_day(text: str, order: str) -> str | None:
    """A year-less numeric date spelled out so no parser can read it as a clock (11.20 → 11:20) or a year
    (11/20 → 2020); None when it names no real day. Chinese answers get 11月20日, others "20 november"."""
    match = _NUMERIC_MONTH_DAY.search(text)
    if match is None:
        return text
    first, second = int(match[1]), int(match[2])
    # Only day-first countries put the day first without a year; year-first ones write 11/20 month first.
    month, day = (second, first) if order == "DMY" else (first, second)
    if not _is_date(_ANY_LEAP_YEAR, month, day):
        return None
    spelled = f"{month}月{day}日" if _CJK.search(text) else f"{day} {MONTHS_BY_NUMBER[month - 1]}"
    return f"{text[: match.start()]}{spelled}{text[match.end():]}"


# --- impossible dates and times -------------------------------------------------------------------------

_MONTH_NAMES = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
MONTHS_BY_NUMBER = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_WORD = "(" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\b\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"

_YEAR_MONTH_DAY = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?<![\d/.-])(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_CHINESE_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_CHINESE_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*月")
_CHINESE_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*[日号]")
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})\s*:\s*(\d{2})(?!\d)")
_CHINESE_CLOCK = re.compile(r"(?<!\d)(\d{1,2})\s*[点时](?:\s*(\d{1,2})\s*分)?")
_DAY_MONTH_NAME = re.compile(rf"(?<!\d)(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH_WORD}(?:,?\s*(\d{{4}}))?")
_MONTH_NAME_DAY = re.compile(rf"\b{_MONTH_WORD}\s*(\d{{1,2}}){_ORDINAL}(?!\d)(?:,?\s*(\d{{4}}))?")

# Without a year, 29 February must stay possible, so the day is checked against a leap year.
_ANY_LEAP_YEAR = 2024


def _names_impossible_date_or_time(text: str) -> bool:
    """Whether the text spells out a calendar date or clock time that cannot exist (30 Feb, month 13, 25:00)."""
    for match in _YEAR_MONTH_DAY.finditer(text):
        if not _is_date(*(int(part) for part in match.groups())):
            return True
    for match in _DAY_MONTH_YEAR.finditer(text):
        first, second, year = (int(part) for part in match.groups())
        if not (_is_date(year, second, first) or _is_date(year, first, second)):
            return True
    for match in _CHINESE_MONTH_DAY.finditer(text):
        if not _is_date(_ANY_LEAP_YEAR, int(match[1]), int(match[2])):
            return True
    if any(not 1 <= int(match[1]) <= 12 for match in _CHINESE_MONTH.finditer(text)):
        return True
    if any(not 1 <= int(match[1]) <= 31 for match in _CHINESE_DAY.finditer(text)):
        return True
    for pattern in (_CLOCK, _CHINESE_CLOCK):
        for match in pattern.finditer(text):
            if not _is_clock(int(match[1]), int(match[2] or 0)):
                return True
    for match in _DAY_MONTH_NAME.finditer(text):
        if not _is_date(int(match[3] or _ANY_LEAP_YEAR), _MONTH_NAMES[match[2]], int(match[1])):
            return True
    for match in _MONTH_NAME_DAY.finditer(text):
        if not _is_date(int(match[3] or _ANY_LEAP_YEAR), _MONTH_NAMES[match[1]], int(match[2])):
            return True
    return False


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _is_clock(hour: int, minute: int) -> bool:
    return minute <= 59 and (hour <= 23 or (hour == 24 and minute == 0))


# --- the parsers ----------------------------------------------------------------------------------------

_jionlp_lock = threading.Lock()
_jionlp_parse_time: Callable[..., dict[str, Any]] | None = None


def _chinese_parser() -> Callable[..., dict[str, Any]]:
    """jionlp's parse_time, imported once on first use.

    Its import prints a banner to stdout, which would corrupt the console adapter's JSON-lines output, so the
    import runs with stdout captured. Called under _jionlp_lock, so two threads never swap sys.stdout at once.
    """
    global _jionlp_parse_time
    if _jionlp_parse_time is None:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp

        _jionlp_parse_time = jionlp.parse_time
    return _jionlp_parse_time


def _read_chinese(text: str, local_now: datetime) -> _Reading | None:
    """jionlp's reading, from the start of the range it returns; None where it reads nothing or a span that is
    not a minute, hour, day, month or year (a week, "最近几天")."""
    try:
        # jionlp keeps per-call state on one shared parser object, hence the lock around the call too. A naive
        # local datetime as time_base: jionlp copies its fields, whereas an epoch would be read in the machine's zone.
        with _jionlp_lock:
            result = _chinese_parser()(text, time_base=local_now)
        if result.get("type") not in ("time_point", "time_span"):
            return None
        start, end = (datetime.strptime(value, "%Y-%m-%d %H:%M:%S") for value in result["time"])
    except Exception:  # noqa: BLE001 - jionlp signals "cannot read" with ValueError, and odd text raises others
        return None
    if end.second == 59:
        # A whole minute, hour, part of day or day, given from its first to its last second.
        at, width = start, end - start + timedelta(seconds=1)
    else:
        # "2小时前" comes back as [07:00, 08:00]: the moment meant is the end.
        at, width = end, end - start
    precision = _precision_of(width)
    if precision is None:
        return None
    return at.replace(second=0, microsecond=0), precision


def _precision_of(width: timedelta) -> Precision | None:
    if width <= timedelta(minutes=1):
        return "minute"
    if width <= timedelta(hours=1):
        return "hour"
    if width <= timedelta(days=1):
        return "day"
    if timedelta(days=28) <= width <= timedelta(days=31):
        return "month"
    if timedelta(days=365) <= width <= timedelta(days=366):
        return "year"
    return None


_MINUTE_GIVEN = re.compile(r"\d\s*:\s*\d{2}|minute|\bmins?\b|分|半|刻")


def _read_with_dateparser(text: str, local_now: datetime, tz: str, lang: str, order: str) -> _Reading | None:
    """dateparser's reading, with its period turned into a precision; None for a week."""
    languages = ["zh", "en"] if _CJK.search(text) or lang.lower().startswith("zh") else ["en"]
    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": local_now,
        "TIMEZONE": tz,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RETURN_TIME_AS_PERIOD": True,
        # "01/11/2026" is 11 January in the US and 1 November in the UK.
        "DATE_ORDER": order,
    }
    try:
        data = DateDataParser(languages=languages, settings=settings).get_date_data(text)
    except Exception:  # noqa: BLE001 - dateparser raises on some odd input instead of returning nothing
        return None
    if data.date_obj is None:
        return None
    moment = data.date_obj if data.date_obj.tzinfo is None else data.date_obj.astimezone(ZoneInfo(tz))
    local = moment.replace(tzinfo=None, second=0, microsecond=0)
    if data.period == "time":
        return local, "minute" if local.minute or _MINUTE_GIVEN.search(text) else "hour"
    if data.period == "part_of_day":
        return local.replace(minute=0), "day"
    if data.period == "day":
        return local.replace(hour=0, minute=0), "day"
    if data.period == "month":
        return local.replace(day=1, hour=0, minute=0), "month"
    if data.period == "year":
        return local.replace(month=1, day=1, hour=0, minute=0), "year"
    return None


# --- preferring the past --------------------------------------------------------------------------------

_PART_OF_DAY = r"(?:上午|下午|中午|晚上|早上|早晨|凌晨|傍晚|夜里|半夜|晚|早)"
_CHINESE_NUMBER = r"[\d〇零一二两三四五六七八九十]{1,3}"
_CHINESE_TIME = rf"{_PART_OF_DAY}?\s*{_CHINESE_NUMBER}\s*[点:](?:\s*(?:半|一刻|三刻|{_CHINESE_NUMBER}\s*分?))?(?:左右|多)?"
_ENGLISH_TIME = r"(?:at\s+)?\d{1,2}(?:(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|:\d{2})"
_TIME_ONLY = re.compile(rf"{_CHINESE_TIME}|{_PART_OF_DAY}|{_ENGLISH_TIME}")
_WEEKDAY = r"(?:周|星期|礼拜)[一二三四五六日天1-7]|(?:on\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_WEEKDAY_ONLY = re.compile(rf"(?:{_WEEKDAY})\s*(?:{_CHINESE_TIME}|{_PART_OF_DAY}|{_ENGLISH_TIME})?")
_NAMES_MONTH = re.compile(rf"(?:\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月|\b{_MONTH_WORD}")
_NAMES_YEAR = re.compile(r"\d{4}|年")


def _prefer_past(reading: _Reading, text: str, local_now: datetime) -> _Reading:
    """Place a partial answer at its last occurrence, as the person meant.

    Asked when the last call came, "晚上8点" at 10:00 means last night, "周六" on a Friday means last Saturday
    and "12月20日" in January means last December. jionlp reads such answers forward, and dateparser's
    PREFER_DATES_FROM compares a bare time with "now" shifted by the zone's offset, so "8:30" at 10:00 in
    New York comes back as yesterday: a bare time is therefore put on today's date here, or yesterday's.
    """
    at, precision = reading
    if _TIME_ONLY.fullmatch(text):
        today = datetime.combine(local_now.date(), at.time())
        return (today if today <= local_now + FUTURE_TOLERANCE else today - timedelta(days=1)), precision
    if at <= local_now + FUTURE_TOLERANCE:
        return reading
    if _WEEKDAY_ONLY.fullmatch(text):
        return at - timedelta(days=7), precision
    if _NAMES_MONTH.search(text) and not _NAMES_YEAR.search(text) and _is_date(at.year - 1, at.month, at.day):
        return at.replace(year=at.year - 1), precision
    return reading
