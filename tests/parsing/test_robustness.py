"""Whatever a person (or a broken client) sends, the parsers answer and never raise."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.parsing import ParsedTime, TimeProblem, parse_phone_numbers, parse_when
from engine.parsing.phones import PHONE_KINDS

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# Plain text, text built from the characters answers are made of, and bytes decoded as junk.
answers = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="0123456789０１２３４５６７８９ +-()/,，、年月日号点分半:昨天今前上周下午晚am pm", max_size=80),
    st.binary(max_size=300).map(lambda raw: raw.decode("latin-1")),
)
regions = st.sampled_from(["CN", "US", "UK", "GB", "XX", ""])
zones = st.sampled_from(["Asia/Shanghai", "America/New_York", "Europe/London"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=answers, region=regions)
def test_phone_parsing_never_raises_and_always_says_something(text: str, region: str) -> None:
    numbers, problems = parse_phone_numbers(text, region)
    assert numbers or problems
    for phone in numbers:
        assert phone.kind in PHONE_KINDS
        assert phone.number and phone.raw and phone.raw in text
    assert len({phone.number for phone in numbers}) == len(numbers)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=answers, tz=zones, lang=st.sampled_from(["zh", "en"]))
def test_time_parsing_never_raises_and_keeps_its_promises(text: str, tz: str, lang: str) -> None:
    result = parse_when(text, NOW, tz, lang)
    assert isinstance(result, ParsedTime | TimeProblem)
    if isinstance(result, ParsedTime):
        assert result.at.tzinfo == ZoneInfo(tz)
        assert result.at <= NOW + timedelta(minutes=10)
        assert result.at.year >= 1990
        assert result.precision in ("minute", "hour", "day", "month", "year")
