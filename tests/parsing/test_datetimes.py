"""Date/time reading: the answers people give, Chinese and English, with exact expected moments and every problem."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.parsing import ParsedTime, TimeProblem, parse_when
from engine.parsing.datetimes import Precision, TimeProblemReason

SHANGHAI = "Asia/Shanghai"
NOW_CN = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo(SHANGHAI))  # a Friday


def iso_of(result: ParsedTime | TimeProblem) -> str:
    assert isinstance(result, ParsedTime), result
    return result.to_iso()

CHINESE_AND_NUMERIC = [
    ("2026-11-20 14:30", "2026-11-20T14:30:00+08:00", "minute"),
    ("2026/11/20 14:30", "2026-11-20T14:30:00+08:00", "minute"),
    ("２０２６－１１－２０\u3000１４：３０", "2026-11-20T14:30:00+08:00", "minute"),
    ("昨天 15:30", "2026-11-26T15:30:00+08:00", "minute"),
    ("昨天下午3点", "2026-11-26T15:00:00+08:00", "hour"),
    ("昨天下午3点左右吧", "2026-11-26T15:00:00+08:00", "hour"),
    ("11月20日下午2点半", "2026-11-20T14:30:00+08:00", "minute"),
    ("上周五", "2026-11-20T00:00:00+08:00", "day"),
    ("上周五下午3点", "2026-11-20T15:00:00+08:00", "hour"),
    ("前天晚上8点", "2026-11-25T20:00:00+08:00", "hour"),
    ("今天上午10点", "2026-11-27T10:00:00+08:00", "hour"),
    ("昨天晚上", "2026-11-26T18:00:00+08:00", "day"),
    ("3天前", "2026-11-24T00:00:00+08:00", "day"),
    ("2小时前", "2026-11-27T08:00:00+08:00", "hour"),
    ("10分钟前", "2026-11-27T09:50:00+08:00", "minute"),
    ("刚才", "2026-11-27T10:00:00+08:00", "minute"),
    ("刚刚", "2026-11-27T10:00:00+08:00", "minute"),
    ("just now", "2026-11-27T10:00:00+08:00", "minute"),
    ("2026-11-27 10:05", "2026-11-27T10:05:00+08:00", "minute"),  # within the clock-skew tolerance
    # Partial answers that jionlp reads forward are moved back to their last occurrence.
    ("晚上8点", "2026-11-26T20:00:00+08:00", "hour"),
    ("上午9点", "2026-11-27T09:00:00+08:00", "hour"),
    ("周六", "2026-11-21T00:00:00+08:00", "day"),
    ("12月20日", "2025-12-20T00:00:00+08:00", "day"),
]


@pytest.mark.parametrize(("text", "iso", "precision"), CHINESE_AND_NUMERIC)
def test_chinese_and_numeric_answers_give_the_exact_moment(text: str, iso: str, precision: Precision) -> None:
    assert parse_when(text, NOW_CN, SHANGHAI, "zh") == ParsedTime(datetime.fromisoformat(iso), precision)


ENGLISH = [
    ("2026-11-20 14:30", (2026, 11, 20, 14, 30), "minute"),
    ("2026/11/20 14:30", (2026, 11, 20, 14, 30), "minute"),
    ("20 Nov 2026 2:30pm", (2026, 11, 20, 14, 30), "minute"),
    ("yesterday 3pm", (2026, 11, 26, 15, 0), "hour"),
    ("yesterday 15:30", (2026, 11, 26, 15, 30), "minute"),
    ("3 days ago", (2026, 11, 24, 0, 0), "day"),
    ("today 9am", (2026, 11, 27, 9, 0), "hour"),
    ("2 hours ago", (2026, 11, 27, 8, 0), "hour"),
    ("last friday at 3:15 pm", (2026, 11, 20, 15, 15), "minute"),
    ("just now", (2026, 11, 27, 10, 0), "minute"),
    ("Just now.", (2026, 11, 27, 10, 0), "minute"),
    # A bare time is today's if it has passed, else yesterday's (dateparser alone gets this wrong off UTC).
    ("3pm", (2026, 11, 26, 15, 0), "hour"),
    ("11am", (2026, 11, 26, 11, 0), "hour"),
    ("at 8:30", (2026, 11, 27, 8, 30), "minute"),
    ("around 8:30am", (2026, 11, 27, 8, 30), "minute"),
    ("it was yesterday around 3pm", (2026, 11, 26, 15, 0), "hour"),
    ("昨天 15:30", (2026, 11, 26, 15, 30), "minute"),
]


@pytest.mark.parametrize("tz", ["America/New_York", "Europe/London"])
@pytest.mark.parametrize(("text", "fields", "precision"), ENGLISH)
def test_english_answers_give_the_exact_local_moment(
    text: str, fields: tuple[int, int, int, int, int], precision: Precision, tz: str
) -> None:
    zone = ZoneInfo(tz)
    now = datetime(2026, 11, 27, 10, 0, tzinfo=zone)
    assert parse_when(text, now, tz, "en") == ParsedTime(datetime(*fields, tzinfo=zone), precision)


def test_day_order_follows_the_zone_for_slashed_dates() -> None:
    new_york = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    london = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    assert iso_of(parse_when("01/11/2026", new_york, "America/New_York", "en")) == "2026-01-11"
    assert iso_of(parse_when("01/11/2026", london, "Europe/London", "en")) == "2026-11-01"


YEARLESS_NUMERIC = [
    # China and the US write the month first, the UK the day first (issue 10).
    ("11.20", "Asia/Shanghai", "MDY", "2026-11-20"),
    ("11/20", "Asia/Shanghai", "MDY", "2026-11-20"),
    ("11/20", "America/New_York", "MDY", "2026-11-20"),
    ("11.20", "America/New_York", "MDY", "2026-11-20"),
    ("20/11", "Europe/London", "DMY", "2026-11-20"),
    ("20.11", "Europe/London", "DMY", "2026-11-20"),
    ("11.20 14:30", "Asia/Shanghai", "MDY", "2026-11-20T14:30:00+08:00"),
    ("11.20 下午2点半", "Asia/Shanghai", "MDY", "2026-11-20T14:30:00+08:00"),
    ("11/20 3pm", "America/New_York", "MDY", "2026-11-20T15:00:00-05:00"),
    ("20/11 3pm", "Europe/London", "DMY", "2026-11-20T15:00:00+00:00"),
]


@pytest.mark.parametrize(("text", "tz", "order", "iso"), YEARLESS_NUMERIC)
def test_a_numeric_day_and_month_follow_the_jurisdiction_order(text: str, tz: str, order: str, iso: str) -> None:
    now = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo(tz))
    assert iso_of(parse_when(text, now, tz, "en", date_order=order)) == iso  # type: ignore[arg-type]


def test_a_numeric_day_and_month_in_the_wrong_order_is_impossible_not_misread() -> None:
    london = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    assert parse_when("11/20", london, "Europe/London", "en", date_order="DMY") == TimeProblem("impossible")
    assert parse_when("20/11", NOW_CN, SHANGHAI, "zh", date_order="MDY") == TimeProblem("impossible")


DAYS_STAY_DAYS = [
    ("上周五", "zh", "2026-11-20"),
    ("3 天前", "zh", "2026-11-24"),
    ("last Tuesday", "en", "2026-11-24"),
    ("2026-11-01", "en", "2026-11-01"),
]


@pytest.mark.parametrize(("text", "lang", "iso"), DAYS_STAY_DAYS)
def test_a_day_without_a_time_is_stored_as_a_day_not_as_midnight(text: str, lang: str, iso: str) -> None:
    result = parse_when(text, NOW_CN, SHANGHAI, lang)
    assert isinstance(result, ParsedTime) and result.precision == "day"
    assert result.to_iso() == iso


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "America/New_York", "Europe/London"])
def test_a_dotted_evening_time_is_kept(tz: str) -> None:
    now = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo(tz))
    result = parse_when("yesterday at 8.45pm", now, tz, "en")
    assert isinstance(result, ParsedTime) and result.precision == "minute"
    assert (result.at.hour, result.at.minute) == (20, 45)


@pytest.mark.parametrize("text", ["7*7", "{{ 7*7 }}", "#7#7", "99", "5", "123", "${7*7}", "<7>"])
def test_symbols_and_bare_numbers_are_not_read_as_dates(text: str) -> None:
    assert parse_when(text, NOW_CN, SHANGHAI, "zh") == TimeProblem("unreadable")
    assert parse_when(text, NOW_CN, "America/New_York", "en") == TimeProblem("unreadable")


def test_an_iso_answer_is_read_without_the_general_parsers() -> None:
    import time as clock

    assert iso_of(parse_when("2026-11-01 09:00", NOW_CN, SHANGHAI, "en")) == "2026-11-01T09:00:00+08:00"
    assert iso_of(parse_when("2026/11/01", NOW_CN, SHANGHAI, "en")) == "2026-11-01"
    parse_when("2026-11-01 09:00", NOW_CN, SHANGHAI, "en")
    started = clock.perf_counter()
    for _ in range(200):
        parse_when("2026-11-01 09:00", NOW_CN, SHANGHAI, "en")
    # dateparser needs about 1.2 ms for one such answer; the direct reading a small fraction of that.
    assert (clock.perf_counter() - started) / 200 < 0.0005


def test_now_is_converted_to_the_answer_zone() -> None:
    # 10:00 in Shanghai is still 26 November, 21:00 in New York: "yesterday" there is the 25th.
    assert parse_when("yesterday 3pm", NOW_CN, "America/New_York", "en") == ParsedTime(
        datetime(2026, 11, 25, 15, 0, tzinfo=ZoneInfo("America/New_York")), "hour"
    )
    assert iso_of(parse_when("just now", NOW_CN, "Europe/London", "en")) == "2026-11-27T02:00:00+00:00"


def test_chinese_reading_uses_the_zone_not_the_machine_clock_zone() -> None:
    # 07:00 in Shanghai is 23:00 on the 26th in UTC; a time base read in the machine's zone would shift "today".
    early = datetime(2026, 11, 27, 7, 0, tzinfo=ZoneInfo(SHANGHAI))
    assert iso_of(parse_when("今天上午6点", early, SHANGHAI, "zh")) == "2026-11-27T06:00:00+08:00"
    assert iso_of(parse_when("昨天下午3点", early, SHANGHAI, "zh")) == "2026-11-26T15:00:00+08:00"
    assert iso_of(parse_when("半小时前", early, SHANGHAI, "zh")) == "2026-11-27T06:30:00+08:00"


def test_a_moment_in_another_zone_is_given_in_the_answer_zone() -> None:
    result = parse_when("昨天下午3点", NOW_CN, SHANGHAI, "zh")
    assert isinstance(result, ParsedTime)
    assert result.at.tzinfo == ZoneInfo(SHANGHAI)
    assert result.to_iso() == "2026-11-26T15:00:00+08:00"


PROBLEMS = [
    ("2026-02-30 10:00", "impossible"),
    ("2026-13-01", "impossible"),
    ("25:00 yesterday", "impossible"),
    ("yesterday 10:61", "impossible"),
    ("13月1日", "impossible"),
    ("2月30日下午3点", "impossible"),
    ("昨天25点", "impossible"),
    ("32号", "impossible"),
    ("31 Nov 2026", "impossible"),
    ("Nov 31", "impossible"),
    ("30/02/2026", "impossible"),
    ("2026-11-27 10:30", "future"),
    ("明天", "future"),
    ("今天晚上8点", "future"),
    ("tomorrow 3pm", "future"),
    ("2027-01-01", "future"),
    ("1985-03-01", "too_old"),
    ("1989-12-31 23:00", "too_old"),
    ("hello", "unreadable"),
    ("", "unreadable"),
    ("   ", "unreadable"),
    ("😀😀", "unreadable"),
    ("\x00\x01\x02binary\xff", "unreadable"),
    ("a" * 10_000, "unreadable"),
    ("昨天" * 5_000, "unreadable"),
    # A week, or "the last few days", is neither a day nor a month: the person is asked again.
    ("上周", "unreadable"),
    ("last week", "unreadable"),
    ("最近几天", "unreadable"),
    ("下个月", "future"),
    ("next month", "future"),
    ("明年", "future"),
]


@pytest.mark.parametrize(("text", "reason"), PROBLEMS)
def test_unusable_answers_give_the_reason(text: str, reason: TimeProblemReason) -> None:
    assert parse_when(text, NOW_CN, SHANGHAI, "zh") == TimeProblem(reason)


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("昨天", datetime(2026, 11, 27, 10, 0), SHANGHAI, "zh")


def test_reading_chinese_prints_nothing_to_stdout() -> None:
    # jionlp prints a banner on import; the console adapter speaks JSON lines on stdout, so it must stay clean.
    script = (
        "from datetime import datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "from engine.parsing import parse_when\n"
        "now = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo('Asia/Shanghai'))\n"
        "for text in ['昨天下午3点', '上周五', 'hello', '去年']:\n"
        "    parse_when(text, now, 'Asia/Shanghai', 'zh')\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


MONTHS_AND_YEARS = [
    ("上个月", "zh", "2026-10", "month"),
    ("2025年3月", "zh", "2025-03", "month"),
    ("3月", "zh", "2026-03", "month"),
    ("12月", "zh", "2025-12", "month"),  # December has not come yet this year: last December
    ("去年", "zh", "2025", "year"),
    ("今年", "zh", "2026", "year"),
    ("2019年", "zh", "2019", "year"),
    ("last month", "en", "2026-10", "month"),
    ("March 2025", "en", "2025-03", "month"),
    ("December", "en", "2025-12", "month"),
    ("last year", "en", "2025", "year"),
    ("2019", "en", "2019", "year"),
    ("in 2024", "en", "2024", "year"),
]


@pytest.mark.parametrize(("text", "lang", "iso", "precision"), MONTHS_AND_YEARS)
def test_a_month_or_a_year_is_kept_as_no_more_than_was_said(text: str, lang: str, iso: str, precision: Precision) -> None:
    result = parse_when(text, NOW_CN, SHANGHAI, lang)
    assert isinstance(result, ParsedTime) and result.precision == precision
    assert result.to_iso() == iso


def test_a_month_long_ago_is_still_too_old() -> None:
    assert parse_when("1985年3月", NOW_CN, SHANGHAI, "zh") == TimeProblem("too_old")
