"""Time stamps as phones print them, resolved against a given now."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.reading.times import find_times

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=SHANGHAI)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("11月28日", datetime(2026, 11, 28), "day"),
        ("11月28日 09:05", datetime(2026, 11, 28, 9, 5), "minute"),
        ("昨天", datetime(2026, 11, 30), "day"),
        ("昨天 14:32", datetime(2026, 11, 30, 14, 32), "minute"),
        ("星期五", datetime(2026, 11, 27), "day"),
        ("周二", datetime(2026, 11, 24), "day"),
        ("14:32", datetime(2026, 12, 1, 14, 32), "minute"),
        ("23:30", datetime(2026, 11, 30, 23, 30), "minute"),
        ("昨天下午3点", datetime(2026, 11, 30, 15, 0), "minute"),
        ("前天晚上8点", datetime(2026, 11, 29, 20, 0), "minute"),
        ("周五下午3点半", datetime(2026, 11, 27, 15, 30), "minute"),
        ("2026-11-28 14:32", datetime(2026, 11, 28, 14, 32), "minute"),
        ("12月25日", datetime(2025, 12, 25), "day"),
        ("Yesterday 2:32 PM", datetime(2026, 11, 30, 14, 32), "minute"),
        ("Nov 28", datetime(2026, 11, 28), "day"),
        ("１４：３２", datetime(2026, 12, 1, 14, 32), "minute"),
    ],
)
def test_stamp_resolves_against_now(text: str, expected: datetime, precision: str) -> None:
    [when] = find_times(text, NOW)
    assert when.at == expected.replace(tzinfo=SHANGHAI)
    assert when.precision == precision


def test_just_now_is_now() -> None:
    [when] = find_times("刚才又接到一个电话", NOW)
    assert when.at == NOW


@pytest.mark.parametrize("text", ["400-820-1234", "138 0013 8000", "1分23秒", "被123人标记", "便宜一点", "(3)", "2月30日"])
def test_numbers_durations_and_impossible_dates_are_not_times(text: str) -> None:
    assert find_times(text, NOW) == []


def test_minutes_after_dian_do_not_swallow_a_following_number() -> None:
    [when] = find_times("昨天下午3点 138 0013 8000 又打来了", NOW)
    assert when.at == datetime(2026, 11, 30, 15, 0, tzinfo=SHANGHAI)
