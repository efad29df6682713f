"""Button and Reply write their fields in a hand-made __init__ (issue 15): it must take exactly the
dataclass fields, with their defaults, and the objects must still be frozen, comparable and replaceable."""
from __future__ import annotations

import dataclasses
import inspect

import pytest

from engine.replies import Button, Reply


@pytest.mark.parametrize("cls", [Button, Reply])
def test_the_init_takes_exactly_the_fields_with_their_defaults(cls: type) -> None:
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields):
        assert parameter.default == (inspect.Parameter.empty if field.default is dataclasses.MISSING else field.default)


def test_they_stay_frozen_values() -> None:
    reply = Reply("q", (Button("Yes", "yes"),), expects="confirm", seq=3, kind="question")
    assert reply == Reply(text="q", buttons=(Button("Yes", "yes"),), expects="confirm", seq=3, kind="question")
    assert hash(reply) == hash(dataclasses.replace(reply))
    assert dataclasses.replace(reply, text="r").text == "r" and reply.text == "q"
    assert Reply("x") == Reply("x", (), None, None, "info", ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        reply.text = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Button("a", "b").value = "c"  # type: ignore[misc]
