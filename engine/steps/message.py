"""`message`: a text shown on the way, answering nothing; the flow goes straight on."""
from __future__ import annotations

from typing import TYPE_CHECKING

from engine.model import MessageStep
from engine.steps.kind import StepKind

if TYPE_CHECKING:
    from engine.engine import Turn


class MessageKind(StepKind[MessageStep]):
    model = MessageStep

    def enter(self, turn: Turn, step: MessageStep, prefix: str | None) -> bool:
        turn.say(step.prompt.get(turn.lang))
        return False
