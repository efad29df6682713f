"""Printable text skips the per-character scans (issue 15); any text, printable or not, gets what the scan
would have said."""
from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.answers import looks_garbled
from engine.parsing.datetimes import _clean

# Ordinary text, and text full of control, format, private-use and replacement characters.
odd = st.characters(codec=None, categories=["Cc", "Cf", "Co", "Cs", "Zl", "Zp", "Zs", "Lo", "Nd"]) | st.just("\ufffd")
texts = st.text(max_size=40) | st.text(odd, max_size=40) | st.lists(st.sampled_from(["昨天", "3点", "\x00", "\ufffd", "\n", " ", "ok"])).map("".join)


def garbled_by_scan(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t"))
    return bad > max(2, len(text) // 20)


@settings(max_examples=500)
@given(text=texts)
def test_looks_garbled_says_what_the_scan_says(text: str) -> None:
    assert looks_garbled(text) == garbled_by_scan(text)


@settings(max_examples=500)
@given(text=texts)
def test_a_cleaned_time_answer_is_what_blanking_every_control_character_gives(text: str) -> None:
    normal = unicodedata.normalize("NFKC", text)
    blanked = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in normal)
    assert _clean(text) == _clean(blanked)
    assert all(not unicodedata.category(ch).startswith("C") for ch in _clean(text))
