"""Whatever text OCR or a person produces, reading answers and never raises."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.reading import TextLine, classify, extract_from_lines, extract_from_text, findings_summary, proposed_answers
from engine.reading.times import find_times

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="0123456789０１２３４５６７８９ +-()（）/:：,，。【】年月日号点分秒半昨天今前星期周上下午晚被人标记次第响铃未接呼入营销推广",
            max_size=120),
)
boxes = st.builds(
    TextLine,
    text=texts,
    x0=st.floats(0, 1080),
    y0=st.floats(0, 2340),
    x1=st.floats(0, 1200),
    y1=st.floats(0, 2400),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, region=st.sampled_from(["CN", "US", "UK"]), lang=st.sampled_from(["zh", "en"]))
def test_pasted_text_never_raises(text: str, region: str, lang: str) -> None:
    found = extract_from_text(text, NOW, region)
    assert classify(text).kind in {"fraud", "spam", "unknown"}
    assert findings_summary(found, lang)
    proposed_answers(found)
    for when in find_times(text, NOW):
        assert when.at.tzinfo is not None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(boxes, max_size=25), lang=st.sampled_from(["zh", "en"]))
def test_screen_lines_never_raise(lines: list[TextLine], lang: str) -> None:
    found = extract_from_lines(lines, NOW, "CN")
    assert findings_summary(found, lang)
    proposed_answers(found)
