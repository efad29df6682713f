"""The plain date forms read without dateparser or jionlp give what those parsers gave (issue 15).

ISO dates (2026-11-01 09:00, 2026/11/01) and the everyday Chinese forms (昨天下午3点, 11月20日 14:32) are
read directly because the general parsers take about a millisecond each. Each property below answers the
same generated text twice, once as shipped and once with the direct reader switched off, so the general
parser answers: the two must give the same moment, precision or refusal.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine.parsing.datetimes as datetimes
from engine.parsing import ParsedTime, TimeProblem, parse_when
from engine.parsing.chinese_dates import read_chinese_directly

# A Friday morning, a New Year's Day and a leap day, in the zones of the three countries.
NOWS = [
    datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
    datetime(2028, 2, 29, 21, 15, tzinfo=ZoneInfo("Asia/Shanghai")),
]
ZONES = [("Asia/Shanghai", "zh", "YMD"), ("America/New_York", "en", "MDY"), ("Europe/London", "en", "DMY")]


def both_ways(name: str, text: str, now: datetime, tz: str, lang: str, order: str) -> tuple[object, object]:
    """parse_when as shipped, and with the direct reader `name` answering nothing."""
    shipped = parse_when(text, now, tz, lang, date_order=order)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(datetimes, name, lambda *args: None)
        general = parse_when(text, now, tz, lang, date_order=order)
    return shipped, general


iso_texts = st.builds(
    lambda y, m, d, sep, clock: f"{y}{sep}{m:02d}{sep}{d:02d}{clock}",
    st.integers(1985, 2028),
    st.integers(0, 13),
    st.integers(0, 32),
    st.sampled_from(["-", "/"]),
    st.one_of(
        st.just(""),
        st.builds(
            lambda t, h, mi, sec: f"{t}{h:02d}:{mi:02d}{sec}",
            st.sampled_from([" ", "T", "t"]),
            st.integers(0, 25),
            st.integers(0, 61),
            st.sampled_from(["", ":00", ":30"]),
        ),
    ),
)


@settings(max_examples=150, deadline=None)
@given(text=iso_texts, now=st.sampled_from(NOWS), zone=st.sampled_from(ZONES))
def test_an_iso_date_reads_as_dateparser_reads_it(text: str, now: datetime, zone: tuple[str, str, str]) -> None:
    shipped, general = both_ways("_read_iso", text, now, *zone)
    assert shipped == general, text


DAYS = ["", "今天", "今日", "昨天", "昨日", "前天", "大前天", "昨晚"]
PARTS = ["", "上午", "早上", "早晨", "凌晨", "清晨", "早", "中午", "下午", "晚上", "傍晚", "夜里", "半夜", "晚间", "夜间", "晚"]
SPOKEN = ["零", "〇", "一", "二", "两", "三", "五", "八", "十", "十一", "十二", "十五", "二十", "二十三", "二十四", "一十"]

dates = st.one_of(
    st.sampled_from(DAYS),
    st.builds(
        lambda y, m, d, mark: f"{y}{m}月{d}{mark}",
        st.sampled_from(["", "2025年", "2026年", "2028年"]),
        st.integers(1, 13),
        st.integers(1, 32),
        st.sampled_from(["日", "号"]),
    ),
)
hours = st.one_of(st.integers(0, 25).map(str), st.integers(0, 9).map(lambda h: f"0{h}"), st.sampled_from(SPOKEN))
clocks = st.one_of(
    st.just(""),
    st.builds(
        lambda h, rest: f"{h}点{rest}",
        hours,
        st.sampled_from(["", "半", "一刻", "三刻", "多", "左右", "半左右", "5", "05", "20", "20分", "59分", "60", "整", "20多"]),
    ),
    st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(0, 25), st.integers(0, 61)),
)
chinese_texts = st.builds(lambda day, space, part, clock: f"{day}{space}{part}{clock}", dates, st.sampled_from(["", " "]), st.sampled_from(PARTS), clocks)


@settings(max_examples=400, deadline=None)
@given(text=chinese_texts, now=st.sampled_from(NOWS))
def test_a_chinese_date_reads_as_jionlp_reads_it(text: str, now: datetime) -> None:
    shipped, general = both_ways("read_chinese_directly", text, now, "Asia/Shanghai", "zh", "YMD")
    assert shipped == general, text
    direct = read_chinese_directly(text, now.replace(tzinfo=None))
    if direct is not None:
        assert direct == datetimes._read_chinese(text, now.replace(tzinfo=None)), text


NOW = NOWS[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01 09:00", "2026-11-01T09:00:00+08:00"),
        ("2026/09/01", "2026-09-01"),
        ("昨天下午3点", "2026-11-26T15:00:00+08:00"),
        ("前天晚上8点半", "2026-11-25T20:30:00+08:00"),
        ("昨晚十点", "2026-11-26T22:00:00+08:00"),
        ("今天上午9点20分", "2026-11-27T09:20:00+08:00"),
        ("11月20日 14:32", "2026-11-20T14:32:00+08:00"),
        ("11月20号下午两点一刻", "2026-11-20T14:15:00+08:00"),
        ("2025年12月30日", "2025-12-30"),
        ("12月30日", "2025-12-30"),  # no year: last December, not next month
        ("晚上8点", "2026-11-26T20:00:00+08:00"),  # a clock alone: its last occurrence
    ],
)
def test_the_plain_forms_need_neither_general_parser(monkeypatch: pytest.MonkeyPatch, text: str, expected: str) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a general parser was asked to read {text!r}")

    monkeypatch.setattr(datetimes, "_read_chinese", refuse)
    monkeypatch.setattr(datetimes, "_read_with_dateparser", refuse)
    result = parse_when(text, NOW, "Asia/Shanghai", "zh")
    assert isinstance(result, ParsedTime) and result.to_iso() == expected


@pytest.mark.parametrize("text", ["2026-02-30", "2026-02-29 10:00", "2026/13/01", "2月30日", "13月1日", "昨天25点", "11月20日 24:30"])
def test_impossible_plain_dates_get_the_same_friendly_refusal(text: str) -> None:
    shipped, general = both_ways("read_chinese_directly", text, NOW, "Asia/Shanghai", "zh", "YMD")
    assert shipped == general == TimeProblem("impossible")
