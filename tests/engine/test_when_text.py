"""Stored times in words (engine/when_text.py), which are cached since issue 15: each answer and language
gets its own words, asked once or many times, in any order."""
from __future__ import annotations

import pytest

from engine.when_text import describe_when

CASES = [
    ("2026-11-20T14:30:00+08:00", "2026年11月20日（周五）14:30", "Friday 20 November 2026, 14:30"),
    ("2026-11-20", "2026年11月20日（周五），时间不详", "Friday 20 November 2026, time not given"),
    (" 2026-11-21 ", "2026年11月21日（周六），时间不详", "Saturday 21 November 2026, time not given"),
    ("2026-10", "2026年10月", "October 2026"),
    ("2026", "2026年", "2026"),
    ("whenever", "whenever", "whenever"),
    (None, "", ""),
]


@pytest.mark.parametrize("rounds", [1, 3])
def test_each_time_and_language_has_its_own_words(rounds: int) -> None:
    for _ in range(rounds):
        for value, zh, en in CASES:
            assert describe_when(value, "zh") == zh
            assert describe_when(value, "en") == en
        for value, zh, en in reversed(CASES):
            assert (describe_when(value, "en"), describe_when(value, "zh")) == (en, zh)
