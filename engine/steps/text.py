"""`text`: free text, checked for length, an optional pattern and a named validator; may offer an
earlier answer as one tap (`suggest_from`: the called number as the contact phone), and at a question
that takes a name (a `name` fill), the name the platform's profile gave, if it gave one."""
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
        profile = self.from_profile(turn, step)
        if profile is not None:
            q.buttons.append(Button(t("nav.profile", turn.lang, value=profile), "_profile"))

    def read_text(self, turn: Turn, step: TextStep, raw: str) -> None:
        turn.accept(step, text_answer(step, raw))

    def press(self, turn: Turn, step: TextStep, value: str) -> bool:
        suggested = self.suggestion(turn, step) if value == "_same" else self.from_profile(turn, step) if value == "_profile" else None
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

    def from_profile(self, turn: Turn, step: TextStep) -> str | None:
        """The platform profile's name (with the number offered as "same", if any) as one tap, where the
        question takes a name and the platform gave one that reads as a name; never made up."""
        name = turn.s.profile_name
        if not name or step.id in turn.s.answers or not any(f.kind == "name" for f in step.fills):
            return None
        if VALIDATORS["person_name"](name) is not None or not any(ch.isalpha() for ch in name):
            # Emoji or symbols alone are a display name, not a name to sign a complaint with.
            return None
        answer = " ".join(x for x in (name, self.suggestion(turn, step)) if x)
        return answer if len(answer) <= step.max_length else None

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
