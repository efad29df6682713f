"""The state copy the engine works on is what a JSON round trip of the state gives, and shares nothing
that can change with the original but the answer values, which are replaced and never changed in place
(issue 15 made it cheaper than the round trip)."""
from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.state import SessionState

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5)
json_data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)
# JSON data, and what the state must never hold but a round trip tolerates: tuples and keys that are not text.
json_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    | st.dictionaries(st.integers() | st.booleans(), inner, max_size=3),
    max_leaves=20,
)


def round_trip(state: SessionState) -> SessionState:
    return SessionState.from_dict(json.loads(json.dumps(state.to_dict())))


def containers(value: Any) -> list[Any]:
    """Every list and dict inside `value`, itself included."""
    if isinstance(value, list):
        return [value, *(c for item in value for c in containers(item))]
    if isinstance(value, dict):
        return [value, *(c for item in value.values() for c in containers(item))]
    return []


@given(answers=st.dictionaries(st.text(max_size=8), json_data, max_size=6), pending=json_like, history=st.lists(st.text(max_size=4)))
def test_copy_equals_the_json_round_trip(answers: dict[str, Any], pending: Any, history: list[str]) -> None:
    state = SessionState(answers=answers, pending={"value": pending}, history=history, step="x", seq=3)
    copied = state.copy()
    assert copied == round_trip(state)
    assert json.dumps(copied.to_dict()) == json.dumps(round_trip(state).to_dict())
    assert copied.answers is not state.answers
    assert all(copied.answers[key] is value for key, value in state.answers.items())
    others = [name for name in state.__dataclass_fields__ if name != "answers"]
    originals = {id(c) for name in others for c in containers(getattr(state, name))}
    assert not any(id(c) in originals for name in others for c in containers(getattr(copied, name)))


def test_changing_the_copy_leaves_the_original_alone() -> None:
    state = SessionState(answers={"evidence": [{"sha256": "a", "size": 1}], "harm": ["time"]}, history=["a"], selected=["x"])
    copied = state.copy()
    copied.answers["evidence"] = [*copied.answers["evidence"], {"sha256": "b", "size": 2}]
    copied.answers["harm"] = None
    copied.history.append("b")
    copied.selected.remove("x")
    assert state.answers == {"evidence": [{"sha256": "a", "size": 1}], "harm": ["time"]}
    assert state.history == ["a"] and state.selected == ["x"]


def test_what_json_cannot_hold_fails_as_the_round_trip_does() -> None:
    state = SessionState(pending={"when": object()})
    with pytest.raises(TypeError):
        round_trip(state)
    with pytest.raises(TypeError):
        state.copy()


def test_every_field_the_copy_shares_holds_only_text_numbers_or_none() -> None:
    """The copy looks only at the lists of step ids and the dicts: a new field of any other kind must be
    added there, not shared between the state given to the engine and the one it changes."""
    from engine.state import _DICTS, _LISTS

    shared = {
        name: spec.type for name, spec in SessionState.__dataclass_fields__.items() if name not in (*_LISTS, *_DICTS, "answers")
    }
    scalar = {"str", "int", "float", "bool", "None"}
    assert all({part.strip() for part in str(kind).split("|")} <= scalar for kind in shared.values()), shared
    assert set(_LISTS) == {"history", "selected", "alerts_shown", "known"}
    assert set(_DICTS) == {"pending", "proposal", "prompt"}
