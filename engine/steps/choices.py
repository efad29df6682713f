"""`choices`: several options, ticked one tap at a time and confirmed with Done, or typed at once
("1,3", "stress and sleep")."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from engine import merged
from engine.answers import DONE_WORDS, Accepted, Rejected, clean_text
from engine.choice_match import normalise
from engine.i18n import button_words, t
from engine.model import ChoicesStep
from engine.replies import Button
from engine.steps.kind import DefinitionProblem, Question, StepKind
from engine.steps.options import option_problems, parse_choices_text

if TYPE_CHECKING:
    from engine.engine import Turn

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


class ChoicesKind(StepKind[ChoicesStep]):
    model = ChoicesStep
    expects = "choices"
    # "1,3" names options; the ticks show the current answer.
    numbers_pick_buttons = False
    shows_current = False

    def selection(self, step: ChoicesStep, current: Any) -> list[str]:
        return list(current) if isinstance(current, list) else []

    def ticking(self, turn: Turn, step: ChoicesStep) -> bool:
        """Taps tick options (then Done), rather than one tap answering: always, or at a one-tap question once
        "pick several" was tapped or options are ticked already (an earlier answer being edited)."""
        return not step.one_tap or turn.s.multi or bool(turn.s.selected)

    def question(self, turn: Turn, step: ChoicesStep, q: Question) -> None:
        lang = turn.lang
        if not self.ticking(turn, step):
            q.lines.append(t("hint.one_tap", lang))
            q.buttons = [Button(o.label.get(lang), o.value) for o in step.options]
            q.buttons.append(Button(t("nav.multi", lang), "_multi"))
            return
        q.lines.append(t("hint.choices", lang))
        selected = turn.s.selected
        q.buttons = [Button(("✓ " if o.value in selected else "") + o.label.get(lang), o.value) for o in step.options]
        q.buttons.append(Button(t("nav.done", lang), "_done"))

    def read_text(self, turn: Turn, step: ChoicesStep, raw: str) -> None:
        if not self.ticking(turn, step) and normalise(raw) in {normalise(w) for w in (t("nav.multi", turn.lang), *button_words("_multi"))}:
            self.press(turn, step, "_multi")
            return
        done = clean_text(raw).lower() in DONE_WORDS
        detail = next((f for f in step.fills if f.kind == "detail"), None)
        if detail is not None and not done:
            # Options and the person's own words in one message: the words are never read as options.
            self.with_detail(turn, step, raw, detail.id)
            return
        chosen = parse_choices_text(step, raw)
        if chosen is None and done:
            chosen = list(turn.s.selected)
        turn.accept(step, choices_answer(step, chosen, turn.lang) if chosen is not None else Rejected("error.choice"))

    def with_detail(self, turn: Turn, step: ChoicesStep, raw: str, detail_id: str) -> None:
        """Options and the person's own words in one message ("1, 3 半夜打来"), or words alone after tapping."""
        terms = turn.kept(step, "exact_terms", lambda: merged.exact_terms(step))
        read = merged.choices_with_detail(step, raw.strip(), list(turn.s.selected), turn.lang, terms)
        if read is None:
            turn.retry(step, Rejected("error.choice"))
            return
        chosen, detail = read
        result = choices_answer(step, chosen, turn.lang)
        if isinstance(result, Rejected):
            turn.retry(step, result)
            return
        if len(detail) > 1000:
            turn.retry(step, Rejected("error.too_long", {"length": len(detail), "max": 1000}))
            return
        turn.save(step.id, result.value, result.label, {detail_id: detail} if detail else {})

    def press(self, turn: Turn, step: ChoicesStep, value: str) -> bool:
        if value == "_done":
            turn.accept(step, choices_answer(step, list(turn.s.selected), turn.lang))
            return True
        if value == "_multi" and step.one_tap:
            turn.s.multi = True
            turn.ask(step)
            return True
        if not any(o.value == value for o in step.options):
            return False
        if not self.ticking(turn, step):
            # "Just this one": one tap answers.
            turn.accept(step, choices_answer(step, [value], turn.lang))
            return True
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
