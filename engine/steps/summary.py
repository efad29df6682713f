"""`summary`: the answers so far on one screen, to confirm or to pick one to change."""
from __future__ import annotations

from typing import TYPE_CHECKING

from engine.i18n import t
from engine.model import SummaryStep
from engine.replies import Button, SaveAnswer
from engine.steps.kind import Question, StepKind

if TYPE_CHECKING:
    from engine.engine import Turn

# The summary shows at most this many lines of answers (plus its question and hint: 12 in all).
SUMMARY_LINES = 10


class SummaryKind(StepKind[SummaryStep]):
    model = SummaryStep
    shows_current = False
    ends_answers = True
    reviews = True

    def question(self, turn: Turn, step: SummaryStep, q: Question) -> None:
        lang = turn.lang
        if turn.s.edit_list:
            q.lines[:] = [t("summary.pick_edit", lang)]
            q.buttons = [Button(turn.label_of(s), f"_edit:{s.id}") for s in turn.path_answered()]
            q.buttons.append(Button(t("nav.to_summary", lang), "_summary"))
            return
        q.lines.extend(compact_summary(turn))
        q.lines.append(t("summary.tap_edit", lang))
        ok = step.ok_label.get(lang) if step.ok_label else t("nav.ok", lang)
        q.buttons = [Button(ok, "_ok"), Button(t("nav.edit_list", lang), "_edit_list")]

    def press(self, turn: Turn, step: SummaryStep, value: str) -> bool:
        s = turn.s
        if value.startswith("_edit:"):
            target = value.split(":", 1)[1]
            if target not in {a.id for a in turn.path_answered()}:
                return False
            s.history.append(step.id)
            s.editing, s.edit_list = True, False
            turn.enter(target)
            return True
        if value in ("_edit_list", "_summary"):
            s.edit_list = value == "_edit_list"
            turn.ask(step)
            return True
        if value == "_ok":
            turn.out.answered = step.ok_label.get(turn.lang) if step.ok_label else t("nav.ok", turn.lang)
            for fill in step.fills:
                # The OK of a summary that says "I confirm this is true" is that confirmation.
                s.answers[fill.id] = "yes"
                turn.out.effects.append(SaveAnswer(fill.id, "yes"))
            turn.move_on()
            return True
        return False


def compact_summary(turn: Turn) -> list[str]:
    """The answers packed a few to a line, skipped ones left out: at most SUMMARY_LINES lines."""
    lang, answers, nodes = turn.lang, turn.s.answers, turn.nodes
    zh = lang == "zh"
    width, cut, sep, colon = (56, 20, "；", "：") if zh else (110, 40, "; ", ": ")
    items = []
    for step in turn.path_answered():
        value = answers.get(step.id)
        if value is None:
            continue
        kind = nodes[step.id].kind
        shown = kind.display(turn, step, value)
        if kind.shortened and len(shown) > cut:
            shown = shown[: cut - 1] + "…"
        if step.fills:
            shown += turn.fills_shown(step, cut)
        items.append(f"{step.label.get(lang) if step.label else step.id}{colon}{shown}")
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(sep) + len(item) <= width:
            lines[-1] += sep + item
        else:
            lines.append(item)
    if len(lines) > SUMMARY_LINES:
        lines = lines[: SUMMARY_LINES - 1] + [t("summary.more", turn.lang, count=len(lines) - SUMMARY_LINES + 1)]
    return ["• " + line for line in lines]
