"""`text`: free text, checked for length, an optional pattern and a named validator; may offer an
earlier answer as one tap (`suggest_from`: the called number as the contact phone)."""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Iterator

from engine.answers import Accepted, Rejected, looks_garbled
from engine.i18n import t
from engine.model import TextStep
from engine.replies import Button
from engine.steps.kind import DefinitionProblem, Question, TypedKind
from engine.validators import VALIDATORS

if TYPE_CHECKING:
    from engine.engine import Turn


def text_answer(step: TextStep, raw: str) -> Accepted | Rejected:
    text = raw.strip()
    if looks_garbled(text) or (text and all(unicodedata.category(ch).startswith("C") for ch in text)):
        # Control or format characters alone (a stray \x01\x02) are no answer to keep.
        return Rejected("error.not_text")
    if not text:
        return Rejected("error.empty")
    if len(text) > step.max_length:
        return Rejected("error.too_long", {"length": len(text), "max": step.max_length})
    if len(text) < step.min_length:
        return Rejected("error.too_short", {"min": step.min_length})
    if step.pattern and not re.fullmatch(step.pattern, text):
        return Rejected("error.pattern")
    if step.validator:
        problem = VALIDATORS[step.validator](text)
        if problem:
            return Rejected(problem)
    return Accepted(text, text)


class TextKind(TypedKind[TextStep]):
    model = TextStep
    expects = "text"
    shortened = True

    def question(self, turn: Turn, step: TextStep, q: Question) -> None:
        super().question(turn, step, q)
        suggested = self.suggestion(turn, step)
        if suggested is not None:
            q.buttons.append(Button(t("nav.same", turn.lang, value=suggested), "_same"))

    def read_text(self, turn: Turn, step: TextStep, raw: str) -> None:
        turn.accept(step, text_answer(step, raw))

    def press(self, turn: Turn, step: TextStep, value: str) -> bool:
        suggested = self.suggestion(turn, step) if value == "_same" else None
        if suggested is None:
            return False
        turn.accept(step, text_answer(step, suggested))
        return True

    def suggestion(self, turn: Turn, step: TextStep) -> str | None:
        """The earlier answer this step offers as one tap (as text), if it was given."""
        if step.id in turn.s.answers:
            return None
        for source in step.suggest_from or []:
            value = turn.s.answers.get(source)
            if value is not None:
                return turn.display(turn.flow.step(source), value)
        return None

    def check(self, step: TextStep) -> Iterator[DefinitionProblem]:
        if step.min_length > step.max_length:
            yield ("min_length",), f"min_length {step.min_length} is greater than max_length {step.max_length}"
        if step.validator and step.validator not in VALIDATORS:
            yield ("validator",), f"unknown validator '{step.validator}' (known: {', '.join(sorted(VALIDATORS))})"
        if step.pattern:
            try:
                re.compile(step.pattern)
            except re.error as exc:
                yield ("pattern",), f"invalid pattern: {exc}"
