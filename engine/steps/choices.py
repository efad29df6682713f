"""`choices`: several options, ticked one tap at a time and confirmed with Done, or typed at once
("1,3", "stress and sleep")."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from engine.answers import DONE_WORDS, Accepted, Rejected, clean_text
from engine.i18n import t
from engine.model import ChoicesStep
from engine.replies import Button
from engine.steps.kind import DefinitionProblem, Question, StepKind
from engine.steps.options import match_option, option_problems

if TYPE_CHECKING:
    from engine.engine import Turn

# Coarse first ("wasted time, stress" keeps its words together), then at every space too ("1 3").
_CHOICES_SPLITS = (
    re.compile(r"[,，、;；/]+|和|以及|还有|\band\b|\bor\b"),
    re.compile(r"[,，、;；/\s]+|和|以及|还有|\band\b|\bor\b"),
)


def choices_answer(step: ChoicesStep, picked: list[str], lang: str) -> Accepted | Rejected:
    top = step.max_selected if step.max_selected is not None else len(step.options)
    if len(picked) < step.min_selected:
        return Rejected("error.choices_min", {"min": step.min_selected})
    if len(picked) > top:
        return Rejected("error.choices_max", {"max": top})
    ordered = [o.value for o in step.options if o.value in picked]
    return Accepted(ordered, choices_label(step, ordered, lang))


def choices_label(step: ChoicesStep, values: list[str], lang: str) -> str:
    labels = {o.value: o.label.get(lang) for o in step.options}
    return "、".join(labels.get(v, v) for v in values) if lang == "zh" else ", ".join(labels.get(v, v) for v in values)


def parse_choices_text(step: ChoicesStep, raw: str) -> list[str] | None:
    """'1,3' or 'Stress, Sleep' typed instead of tapping: the values, or None if any part is unknown."""
    for splitter in _CHOICES_SPLITS:
        parts = [p.strip() for p in splitter.split(clean_text(raw)) if p.strip()]
        options = [match_option(step.options, part) for part in parts]
        if parts and all(o is not None for o in options):
            return list(dict.fromkeys(o.value for o in options if o is not None))
    return None


class ChoicesKind(StepKind[ChoicesStep]):
    model = ChoicesStep
    expects = "choices"
    # "1,3" names options; the ticks show the current answer.
    numbers_pick_buttons = False
    shows_current = False

    def selection(self, step: ChoicesStep, current: Any) -> list[str]:
        return list(current) if isinstance(current, list) else []

    def question(self, turn: Turn, step: ChoicesStep, q: Question) -> None:
        lang = turn.lang
        q.lines.append(t("hint.choices", lang))
        selected = turn.s.selected
        q.buttons = [Button(("✓ " if o.value in selected else "") + o.label.get(lang), o.value) for o in step.options]
        q.buttons.append(Button(t("nav.done", lang), "_done"))

    def read_text(self, turn: Turn, step: ChoicesStep, raw: str) -> None:
        chosen = parse_choices_text(step, raw)
        if chosen is None and clean_text(raw).lower() in DONE_WORDS:
            chosen = list(turn.s.selected)
        turn.accept(step, choices_answer(step, chosen, turn.lang) if chosen is not None else Rejected("error.choice"))

    def press(self, turn: Turn, step: ChoicesStep, value: str) -> bool:
        if value == "_done":
            turn.accept(step, choices_answer(step, list(turn.s.selected), turn.lang))
            return True
        if not any(o.value == value for o in step.options):
            return False
        if value in turn.s.selected:
            turn.s.selected.remove(value)
        else:
            turn.s.selected.append(value)
        turn.ask(step)
        return True

    def button_terms(self, step: ChoicesStep) -> Mapping[str, Sequence[str]]:
        return {o.value: o.terms for o in step.options}

    def display(self, turn: Turn, step: ChoicesStep, value: Any) -> str:
        return choices_label(step, list(value), turn.lang)

    def check(self, step: ChoicesStep) -> Iterator[DefinitionProblem]:
        yield from option_problems(step)
        top = step.max_selected if step.max_selected is not None else len(step.options)
        if step.min_selected > top:
            yield ("min_selected",), f"min_selected {step.min_selected} is greater than max_selected {top}"
