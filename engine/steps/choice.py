"""`choice`: one option, tapped or typed (its number, label, a synonym, a near spelling)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from engine import merged
from engine.answers import clean_text
from engine.choice_match import normalise, terms_table
from engine.model import LANGS, ChoiceStep, Combo, Option
from engine.replies import Button
from engine.steps.kind import DefinitionProblem, Question, StepKind
from engine.steps.options import option_problems

if TYPE_CHECKING:
    from engine.engine import Turn


class ChoiceKind(StepKind[ChoiceStep]):
    model = ChoiceStep
    expects = "choice"

    def question(self, turn: Turn, step: ChoiceStep, q: Question) -> None:
        lang = turn.lang
        q.buttons = list(turn.kept(step, ("buttons", lang), lambda: _option_buttons(step, lang)))

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
        table = turn.kept(step, "terms_table", lambda: terms_table([(o.value, o.terms) for o in step.options]))
        read = merged.choice_with_fills(step, clean_text(raw)[:300], turn.now, zone, turn.lang, order, table)
        if read is None or not read[1]:
            return False
        option, found = read
        turn.save_with_fills(step, option.value, option.label.get(turn.lang), found)
        return True

    def press(self, turn: Turn, step: ChoiceStep, value: str) -> bool:
        found = turn.kept(step, "by_value", lambda: _by_value(step)).get(value)
        if found is None:
            return False
        if isinstance(found, Combo):
            # Both answers, as the person tapped them: the later question is not asked.
            turn.save(step.id, found.value, found.label.get(turn.lang), dict(found.also))
        else:
            turn.save(step.id, found.value, found.label.get(turn.lang))
        return True

    def button_terms(self, step: ChoiceStep) -> Mapping[str, Sequence[str]]:
        terms: dict[str, Sequence[str]] = {o.value: o.terms for o in step.options}
        for k, combo in enumerate(step.combos):
            terms[combo_value(k)] = [combo.label.zh, combo.label.en]
        return terms

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
        labels = {normalise(getattr(o.label, lang)) for o in step.options for lang in LANGS}
        for k, combo in enumerate(step.combos):
            if combo.value not in values:
                yield ("combos", k, "value"), f"combo value '{combo.value}' is not one of the options"
            for lang in LANGS:
                if normalise(getattr(combo.label, lang)) in labels:
                    yield ("combos", k, "label", lang), "a combo's label must differ from every option's label"
                labels.add(normalise(getattr(combo.label, lang)))


def combo_value(index: int) -> str:
    """The button value of a step's `index`-th combined answer (never an option's: those may not start with '_')."""
    return f"_combo{index}"


def _by_value(step: ChoiceStep) -> dict[str, Option | Combo]:
    """What each button value of `step` answers: an option, or a combined answer (its value first, as an
    option's value may not start with '_'). The first option of a value, as a search in order finds it."""
    options: dict[str, Option | Combo] = {}
    for option in step.options:
        options.setdefault(option.value, option)
    return {**options, **{combo_value(k): c for k, c in enumerate(step.combos)}}


def _option_buttons(step: ChoiceStep, lang: str) -> tuple[Button, ...]:
    """The options as buttons, each combined answer just before its plain option ("有，之后还在联系" then "有")."""
    buttons: list[Button] = []
    for option in ChoiceKind.ordered_options(step, lang):
        buttons += [Button(c.label.get(lang), combo_value(k)) for k, c in enumerate(step.combos) if c.value == option.value]
        buttons.append(Button(option.label.get(lang), option.value))
    return tuple(buttons)
