"""Posing as someone is a sign of fraud whoever they posed as, so a case the person filed under another
kind still gets the fraud channels; "nobody / not sure" is no such sign."""
from __future__ import annotations

import pytest

from knowledge.facts import is_fraud


@pytest.mark.parametrize("who", ["police", "bank", "platform", "government", "relative", "boss"])
def test_posing_as_anyone_makes_it_fraud(who: str) -> None:
    assert is_fraud({"issue_type": "other", "impersonation": who})


def test_posing_as_nobody_is_not_fraud_by_itself() -> None:
    assert not is_fraud({"issue_type": "other", "impersonation": "none"})
