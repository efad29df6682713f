"""`confirm`: yes or no (typed in many ways); `on_no` may lead elsewhere without storing the no."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from engine.i18n import button_words, t
from engine.model import ConfirmStep
from engine.replies import Button
from engine.steps.kind import Question, StepKind

if TYPE_CHECKING:
    from engine.engine import Turn


class ConfirmKind(StepKind[ConfirmStep]):
    model = ConfirmStep
    expects = "confirm"
    in_summary = False

    def question(self, turn: Turn, step: ConfirmStep, q: Question) -> None:
        lang = turn.lang
        yes = step.yes_label.get(lang) if step.yes_label else t("nav.yes", lang)
        no = step.no_label.get(lang) if step.no_label else t("nav.no", lang)
        q.buttons = [Button(yes, "yes"), Button(no, "no")]

    def press(self, turn: Turn, step: ConfirmStep, value: str) -> bool:
        if value not in ("yes", "no"):
            return False
        lang = turn.lang
        if value == "no" and step.on_no:
            turn.out.answered = step.no_label.get(lang) if step.no_label else t("nav.no", lang)
            turn.s.history.append(step.id)
            turn.enter(step.on_no)
        else:
            label = step.yes_label if value == "yes" else step.no_label
            turn.save(step.id, value, label.get(lang) if label else t(f"nav.{value}", lang))
        return True

    def button_terms(self, step: ConfirmStep) -> Mapping[str, Sequence[str]]:
        return {"yes": button_words("_yes"), "no": button_words("_no")}

    def display(self, turn: Turn, step: ConfirmStep, value: Any) -> str:
        return t(f"nav.{value}", turn.lang) if value in ("yes", "no") else str(value)
