"""What a step type does, as one object per type: how its question is shown, how an answer to it is
read, and how that answer is shown back. The engine looks the object up by the step's `type`
(engine/steps/registry.py) instead of testing the type in each place, so a new type is one module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Iterator, Mapping, Sequence, TypeVar

from mypy_extensions import mypyc_attr

from engine.answers import Rejected
from engine.i18n import t
from engine.model import Step
from engine.replies import Button

if TYPE_CHECKING:
    from engine.engine import Turn

S = TypeVar("S", bound=Step)
# A problem in a step's definition: the path under the step (("min",), ("options", 2, "value")) and what is wrong.
DefinitionProblem = tuple[tuple[Any, ...], str]


@dataclass
class Question:
    """A question being composed: the lines of its text and the buttons under it (before navigation)."""

    lines: list[str]
    buttons: list[Button] = field(default_factory=list)


@mypyc_attr(allow_interpreted_subclasses=True)
class StepKind(Generic[S]):
    """The behaviour of one step type. The defaults suit a question answered by tapping a button.
    A new type may be an interpreted module even when the engine runs compiled (engine/compiled.py):
    its settings are class variables, which compiled code reads from the class, as Python does."""

    model: ClassVar[type[Step]]
    # What kind of answer the question wants (Reply.expects), for the adapters' keyboards.
    expects: ClassVar[str | None] = None
    # A typed number presses the shown button with that number (not where a number is the answer).
    numbers_pick_buttons: ClassVar[bool] = True
    # Typed text equal to a shown button's words (跳过, 同上) presses it rather than being the answer.
    names_buttons: ClassVar[bool] = False
    # Asked again after it was answered, it shows the current answer and a "keep" button.
    shows_current: ClassVar[bool] = True
    # An optional step shows a "skip" button.
    skip_button: ClassVar[bool] = True
    # Its answer is listed in the summary (a confirmation is not).
    in_summary: ClassVar[bool] = True
    # Free text: shortened in the compact summary (numbers and times are shown whole).
    shortened: ClassVar[bool] = False
    # The summary and the end close the list of answers: nothing after them is listed.
    ends_answers: ClassVar[bool] = False
    # The summary: where editing an earlier answer returns to.
    reviews: ClassVar[bool] = False

    def enter(self, turn: Turn, step: S, prefix: str | None) -> bool:
        """Arriving at the step: True when the conversation waits here, False to go on to the next."""
        turn.open_question(step, prefix)
        return True

    def selection(self, step: S, current: Any) -> list[str]:
        """The options ticked when the question opens (multiple choice: the earlier answer)."""
        return []

    def question(self, turn: Turn, step: S, q: Question) -> None:
        """Add what this type shows under its prompt: hints and buttons."""

    def read_text(self, turn: Turn, step: S, raw: str) -> None:
        """A typed answer: here, the shown button it names (by label, synonym or a near spelling)."""
        value = turn.value_for_text(step, raw, turn.shown)
        if value is None:
            turn.retry(step, Rejected("error.choice"))
        else:
            turn.button_or_navigation(step, value)

    def press(self, turn: Turn, step: S, value: str) -> bool:
        """A tapped button of this step; False when the value means nothing here."""
        return False

    def button_terms(self, step: S) -> Mapping[str, Sequence[str]]:
        """More words that name a shown button when typed, by its value (an option's synonyms)."""
        return {}

    def display(self, turn: Turn, step: S, value: Any) -> str:
        """The (non-empty) answer as the summary and the drafts show it."""
        text = str(value)
        return text if len(text) <= 200 else text[:200] + "…"

    def can_skip(self, step: S) -> bool:
        return step.optional

    def skip(self, turn: Turn, step: S) -> None:
        turn.save(step.id, None, t("summary.skipped", turn.lang))

    def about(self, step: S, lang: str) -> str:
        """What /help says about answering this type when the step has no `help` of its own."""
        return t(f"help.{step.type}", lang)

    def check(self, step: S) -> Iterator[DefinitionProblem]:
        """Problems in the step's definition that its schema cannot express (min above max...)."""
        return iter(())


class TypedKind(StepKind[S]):
    """A question answered by typing (text, a number, phone numbers, a time): a shown button's words
    typed alone press it, so 跳过 or « 上一步 are never stored as the answer."""

    names_buttons = True

    def question(self, turn: Turn, step: S, q: Question) -> None:
        q.lines.append(t("hint.nav", turn.lang))
