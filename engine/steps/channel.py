"""`channel`: where to complain, as the knowledge layer ranks the channels for this case."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.i18n import t
from engine.model import ChannelStep
from engine.replies import Button
from engine.steps.kind import Question, StepKind

if TYPE_CHECKING:
    from engine.engine import Turn


class ChannelKind(StepKind[ChannelStep]):
    model = ChannelStep
    expects = "choice"

    def question(self, turn: Turn, step: ChannelStep, q: Question) -> None:
        options = turn.channel_options()
        if not options:
            q.lines.append(t("channel.none", turn.lang))
        for i, option in enumerate(options, 1):
            q.lines.append(f"{i}. {option.label} — {option.why}")
        q.buttons = [Button(o.label, o.value) for o in options]

    def press(self, turn: Turn, step: ChannelStep, value: str) -> bool:
        if turn.engine.advisor is None:
            return False
        options = {o.value: o.label for o in turn.channel_options()}
        if value not in options:
            return False
        turn.save(step.id, value, options[value])
        return True

    def display(self, turn: Turn, step: ChannelStep, value: Any) -> str:
        advisor = turn.engine.advisor
        return advisor.label(value, turn.lang) if advisor else super().display(turn, step, value)
