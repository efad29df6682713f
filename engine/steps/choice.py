"""`choice`: one option, tapped or typed (its number, label, a synonym, a near spelling)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from engine import merged
from engine.answers import clean_text
from engine.model import ChoiceStep, Option
from engine.replies import Button
from engine.steps.kind import DefinitionProblem, Question, StepKind
from engine.steps.options import option_problems

if TYPE_CHECKING:
    from engine.engine import Turn


class ChoiceKind(StepKind[ChoiceStep]):
    model = ChoiceStep
    expects = "choice"

    def question(self, turn: Turn, step: ChoiceStep, q: Question) -> None:
        q.buttons = list(_option_buttons(step, turn.lang))

    @staticmethod
    def ordered_options(step: ChoiceStep, lang: str) -> list[Option]:
        """The language's likely answer first (China for Chinese, the US for English)."""
        default = (step.default_by_lang or {}).get(lang)
        return sorted(step.options, key=lambda o: o.value != default) if default else list(step.options)

    def read_text(self, turn: Turn, step: ChoiceStep, raw: str) -> None:
        if not self.with_fills(turn, step, raw):
            super().read_text(turn, step, raw)

    def with_fills(self, turn: Turn, step: ChoiceStep, raw: str) -> bool:
        """A choice answered with more ("有，10月15日回复过TD", "有，5000元"): the option and its fills kept,
        a time said back. False when the step has no fills or the text gives none (the usual reading applies)."""
        if not step.fills:
            return False
        zone, order = turn.clock_of(step)
        read = merged.choice_with_fills(step, clean_text(raw)[:300], turn.now, zone, turn.lang, order)
        if read is None or not read[1]:
            return False
        option, found = read
        turn.save_with_fills(step, option.value, option.label.get(turn.lang), found)
        return True

    def press(self, turn: Turn, step: ChoiceStep, value: str) -> bool:
        option = next((o for o in step.options if o.value == value), None)
        if option is None:
            return False
        turn.save(step.id, option.value, option.label.get(turn.lang))
        return True

    def button_terms(self, step: ChoiceStep) -> Mapping[str, Sequence[str]]:
        return {o.value: o.terms for o in step.options}

    def display(self, turn: Turn, step: ChoiceStep, value: Any) -> str:
        for option in step.options:
            if option.value == value:
                return option.label.get(turn.lang)
        return str(value)

    def check(self, step: ChoiceStep) -> Iterator[DefinitionProblem]:
        yield from option_problems(step)
        values = {o.value for o in step.options}
        for lang, value in (step.default_by_lang or {}).items():
            if value not in values:
                yield ("default_by_lang", lang), f"default '{value}' is not one of the options"


# The buttons of a choice, by the step's identity (holding the step, so a later object at a freed address
# is never taken for it) and language: a flow is read only, and its choices are asked at most events (issue 15).
_BUTTONS: dict[tuple[int, str], tuple[ChoiceStep, tuple[Button, ...]]] = {}
_MAX_BUTTONS = 2048


def _option_buttons(step: ChoiceStep, lang: str) -> tuple[Button, ...]:
    entry = _BUTTONS.get((id(step), lang))
    if entry is None or entry[0] is not step:
        if len(_BUTTONS) >= _MAX_BUTTONS:
            _BUTTONS.clear()
        buttons = tuple(Button(o.label.get(lang), o.value) for o in ChoiceKind.ordered_options(step, lang))
        entry = _BUTTONS[(id(step), lang)] = (step, buttons)
    return entry[1]
