"""`number`: a number within limits ("about 20" reads as 20); typed digits are the answer, not a button."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from engine.answers import Accepted, Rejected, clean_text
from engine.model import NumberStep
from engine.steps.kind import DefinitionProblem, TypedKind

if TYPE_CHECKING:
    from engine.engine import Turn

_NUMBER = re.compile(r"^[^\d\-]*(-?\d+(?:\.\d+)?)\s*[^\d]*$")


def plain_number(value: float) -> str:
    """A limit as people write it: 100,000,000 rather than 1e+08."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def number_answer(step: NumberStep, raw: str) -> Accepted | Rejected:
    text = clean_text(raw).replace(",", "").replace(" ", "")
    match = _NUMBER.match(text)
    if not match or len(text) > 40:
        return Rejected("error.number")
    number = float(match.group(1))
    if step.integer and not number.is_integer():
        return Rejected("error.integer")
    if step.min is not None and number < step.min:
        return Rejected("error.number_min", {"min": plain_number(step.min)})
    if step.max is not None and number > step.max:
        return Rejected("error.number_max", {"max": plain_number(step.max)})
    value: float | int = int(number) if number.is_integer() else number
    return Accepted(value, f"{value:g}" if isinstance(value, float) else str(value))


class NumberKind(TypedKind[NumberStep]):
    model = NumberStep
    expects = "number"
    numbers_pick_buttons = False

    def read_text(self, turn: Turn, step: NumberStep, raw: str) -> None:
        turn.accept(step, number_answer(step, raw))

    def check(self, step: NumberStep) -> Iterator[DefinitionProblem]:
        if step.min is not None and step.max is not None and step.min > step.max:
            yield ("min",), f"min {step.min:g} is greater than max {step.max:g}"
