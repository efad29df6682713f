"""Properties of the value encoding every store relies on."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.codec import decode_json, decode_time, encode_json, encode_time

aware = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 30),
    timezones=st.sampled_from(
        [timezone.utc, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5)),
         timezone(timedelta(hours=5, minutes=45))]
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=20,
)


@given(aware, aware)
def test_text_order_of_encoded_times_is_time_order(a: datetime, b: datetime) -> None:
    assert (encode_time(a) < encode_time(b)) == (a < b)


@given(aware)
def test_times_round_trip_as_the_same_instant_in_utc(at: datetime) -> None:
    back = decode_time(encode_time(at))
    assert back == at
    assert back.utcoffset() == timedelta(0)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        encode_time(datetime(2026, 11, 26, 15, 0))


@given(json_values)
def test_json_values_round_trip(value: object) -> None:
    assert decode_json(encode_json(value)) == value


def test_chinese_text_is_stored_readable() -> None:
    assert encode_json({"内容": "骚扰电话"}) == '{"内容":"骚扰电话"}'


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError):
        encode_json({"amount_lost": math.nan})
