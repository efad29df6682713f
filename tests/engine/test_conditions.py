"""Conditions compiled to functions (issue 15) decide exactly as the plain reading of flows.yaml's
conditions does, which is kept here as the reference."""
from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.conditions import _text_of, _wholly_before, holds
from engine.model import Condition


def reference(cond: Condition, answers: dict[str, Any]) -> bool:
    """The condition read field by field, as the engine did before it compiled them."""
    if cond.all is not None:
        return all(reference(c, answers) for c in cond.all)
    if cond.any is not None:
        return any(reference(c, answers) for c in cond.any)
    if cond.not_ is not None:
        return not reference(cond.not_, answers)
    value = answers.get(cond.answer or "")
    if cond.is_set is not None:
        return (value is not None and value != [] and value != "") == cond.is_set
    if value is None:
        return False
    if cond.equals is not None:
        return bool(value == cond.equals)
    if cond.in_ is not None:
        return value in cond.in_
    if cond.contains is not None:
        if isinstance(value, list):
            return cond.contains in value
        return str(cond.contains).lower() in _text_of(value).lower()
    if cond.before is not None:
        return _wholly_before(value, answers.get(cond.before))
    if cond.matches_any is not None:
        return any(word.lower() in _text_of(value).lower() for word in cond.matches_any)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    if cond.gte is not None:
        return number >= cond.gte
    if cond.lte is not None:
        return number <= cond.lte
    return False


KEYS = ["a", "b", "c"]
values = st.one_of(
    st.none(),
    st.sampled_from(["", "yes", "no", "Yes", "5", "12.5", "abc", "x y", "2026-10", "2026-10-05", "2026-10-05T09:30"]),
    st.integers(-3, 20),
    st.lists(st.sampled_from(["yes", "no", "x", "loan"]), max_size=3),
    st.dictionaries(st.sampled_from(["number", "raw"]), st.sampled_from(["+86 138", "loan", "yes"]), max_size=2),
)
tests = st.one_of(
    st.builds(lambda k, v: {"answer": k, "equals": v}, st.sampled_from(KEYS), st.sampled_from(["yes", "no", 5, "5"])),
    st.builds(lambda k, v: {"answer": k, "in": v}, st.sampled_from(KEYS), st.lists(st.sampled_from(["yes", "no", 5]), max_size=3)),
    st.builds(lambda k, v: {"answer": k, "contains": v}, st.sampled_from(KEYS), st.sampled_from(["yes", "Loan", "y", 5])),
    st.builds(lambda k, v: {"answer": k, "is_set": v}, st.sampled_from(KEYS), st.booleans()),
    st.builds(lambda k, v: {"answer": k, "gte": v}, st.sampled_from(KEYS), st.floats(-5, 25)),
    st.builds(lambda k, v: {"answer": k, "lte": v}, st.sampled_from(KEYS), st.floats(-5, 25)),
    st.builds(lambda k, v: {"answer": k, "before": v}, st.sampled_from(KEYS), st.sampled_from(KEYS)),
    st.builds(lambda k, v: {"answer": k, "matches_any": v}, st.sampled_from(KEYS), st.lists(st.sampled_from(["LOAN", "y", "+86"]), max_size=2)),
)
conditions = st.recursive(
    tests,
    lambda inner: st.builds(lambda cs: {"all": cs}, st.lists(inner, max_size=3))
    | st.builds(lambda cs: {"any": cs}, st.lists(inner, max_size=3))
    | st.builds(lambda c: {"not": c}, inner),
    max_leaves=6,
)


@settings(max_examples=400)
@given(data=conditions, answers=st.dictionaries(st.sampled_from(KEYS), values))
def test_a_compiled_condition_decides_as_the_reference(data: dict[str, Any], answers: dict[str, Any]) -> None:
    cond = Condition.model_validate(data)
    assert holds(cond, answers) == reference(cond, answers)
    # Asked again (now compiled and cached), the same answer.
    assert holds(cond, answers) == reference(cond, answers)


def test_a_new_condition_is_never_taken_for_an_older_one() -> None:
    """The compiled functions are found by the condition's identity; a condition made later, possibly at a
    freed address, gets its own."""
    answers = {"a": "yes"}
    for _ in range(50):
        assert holds(Condition(answer="a", equals="yes"), answers)
        assert not holds(Condition(answer="a", equals="no"), answers)


@settings(max_examples=200)
@given(data=conditions, runs=st.lists(st.dictionaries(st.sampled_from(KEYS), values), min_size=2, max_size=6))
def test_one_condition_asked_about_changing_answers_decides_each_time_as_the_reference(
    data: dict[str, Any], runs: list[dict[str, Any]]
) -> None:
    """A compiled condition remembers the last text its word search read (issue 15): asked in turn about
    other answers, and again about the same ones, it still decides each as the reference does."""
    cond = Condition.model_validate(data)
    for answers in runs + runs[::-1]:
        assert holds(cond, answers) == reference(cond, answers)


def test_the_word_search_reads_a_new_text_not_the_remembered_one() -> None:
    cond = Condition(answer="content", matches_any=["验证码", "transfer"])
    story = "他让我报验证码"
    assert holds(cond, {"content": story})
    assert holds(cond, {"content": story})
    assert not holds(cond, {"content": "只是广告"})
    assert holds(cond, {"content": ["please", "TRANSFER"]})
    assert not holds(cond, {"content": "".join(["只是", "广告"])})
    assert holds(cond, {"content": story})
