"""`end`: the last words; the case is complete."""
from __future__ import annotations

from typing import TYPE_CHECKING

from engine.model import EndStep
from engine.steps.kind import StepKind

if TYPE_CHECKING:
    from engine.engine import Turn


class EndKind(StepKind[EndStep]):
    model = EndStep
    ends_answers = True

    def enter(self, turn: Turn, step: EndStep, prefix: str | None) -> bool:
        turn.say(step.prompt.get(turn.lang), kind="end")
        turn.complete()
        return True
