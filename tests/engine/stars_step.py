"""A made-up step type, `stars` (a rating from one to five stars), written the way a new type is added:
this one module holds its model and its behaviour and registers them. Nothing else in the repository
knows it (tests/engine/test_new_step_type.py proves that this is all a new type takes)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Literal

from pydantic import Field

from engine.answers import Rejected, clean_text, small_number
from engine.model import Step
from engine.replies import Button
from engine.steps import register
from engine.steps.kind import DefinitionProblem, Question, StepKind

if TYPE_CHECKING:
    from engine.engine import Turn


class StarsStep(Step):
    type: Literal["stars"]
    lowest: int = Field(default=1, ge=0)
    highest: int = Field(default=5, le=10)


class StarsKind(StepKind[StarsStep]):
    model = StarsStep
    expects = "choice"
    # The typed number is the rating itself, not the number of a button.
    numbers_pick_buttons = False

    def question(self, turn: Turn, step: StarsStep, q: Question) -> None:
        q.buttons = [Button("★" * n, str(n)) for n in range(step.lowest, step.highest + 1)]

    def read_text(self, turn: Turn, step: StarsStep, raw: str) -> None:
        text = clean_text(raw)
        count = small_number(text, 2) if text.strip("★") else len(text)
        self.rate(turn, step, count)

    def press(self, turn: Turn, step: StarsStep, value: str) -> bool:
        self.rate(turn, step, small_number(value, 2))
        return True

    def rate(self, turn: Turn, step: StarsStep, count: int | None) -> None:
        if count is None or not step.lowest <= count <= step.highest:
            turn.retry(step, Rejected("error.number_max", {"max": step.highest}))
            return
        turn.save(step.id, count, self.display(turn, step, count))

    def display(self, turn: Turn, step: StarsStep, value: Any) -> str:
        return "★" * value + "☆" * (step.highest - value)

    def about(self, step: StarsStep, lang: str) -> str:
        return "点星星，或输入 1 到 5。" if lang == "zh" else "Tap the stars, or type a number from 1 to 5."

    def check(self, step: StarsStep) -> Iterator[DefinitionProblem]:
        if step.lowest >= step.highest:
            yield ("lowest",), f"lowest {step.lowest} must be below highest {step.highest}"


register(StarsKind())
