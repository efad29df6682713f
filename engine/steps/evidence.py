"""`evidence`: screenshots, recordings, documents and pasted messages, collected until Done. Files sent
at another question are kept here too (`keep_evidence`), so nothing sent is lost."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

from engine.answers import DONE_WORDS, Rejected, clean_text, looks_garbled
from engine.events import FileInput
from engine.evidence import EvidenceItem, human_size
from engine.i18n import t
from engine.model import EVIDENCE_KINDS, EvidenceStep
from engine.replies import AddEvidence, Button, SaveAnswer
from engine.steps.kind import DefinitionProblem, Question, StepKind

if TYPE_CHECKING:
    from engine.engine import Turn

# A pasted message longer than this is refused (it is no single SMS or chat message).
MAX_PASTED = 10000


class EvidenceKind(StepKind[EvidenceStep]):
    model = EvidenceStep
    expects = "evidence"
    shows_current = False
    # Done (with nothing sent) is how it is skipped.
    skip_button = False

    def question(self, turn: Turn, step: EvidenceStep, q: Question) -> None:
        lang = turn.lang
        q.lines.append(t("hint.evidence", lang))
        have = len(turn.s.answers.get(step.id) or [])
        if have:
            q.lines.append(t("hint.evidence_have", lang, count=have))
        q.buttons = [Button(t("nav.done", lang), "_done")]

    def read_text(self, turn: Turn, step: EvidenceStep, raw: str) -> None:
        if clean_text(raw).lower() in DONE_WORDS:
            evidence_done(turn, step)
        else:
            pasted_text(turn, step, raw)

    def press(self, turn: Turn, step: EvidenceStep, value: str) -> bool:
        if value != "_done":
            return False
        evidence_done(turn, step)
        return True

    def display(self, turn: Turn, step: EvidenceStep, value: Any) -> str:
        return t("summary.items", turn.lang, count=len(value))

    def can_skip(self, step: EvidenceStep) -> bool:
        return step.optional or step.min_items == 0

    def skip(self, turn: Turn, step: EvidenceStep) -> None:
        evidence_done(turn, step)

    def check(self, step: EvidenceStep) -> Iterator[DefinitionProblem]:
        if step.min_items > step.max_items:
            yield ("min_items",), f"min_items {step.min_items} is greater than max_items {step.max_items}"
        for k, kind in enumerate(step.accept):
            if kind not in EVIDENCE_KINDS:
                yield ("accept", k), f"unknown evidence kind '{kind}' (known: {', '.join(EVIDENCE_KINDS)})"


def evidence_done(turn: Turn, step: EvidenceStep) -> None:
    items = turn.s.answers.get(step.id) or []
    if len(items) < step.min_items:
        turn.retry(step, Rejected("evidence.min", {"min": step.min_items}))
        return
    turn.save(step.id, items, t("summary.items", turn.lang, count=len(items)))


def pasted_text(turn: Turn, step: EvidenceStep, raw: str) -> None:
    text = raw.strip()
    if looks_garbled(text):
        turn.retry(step, Rejected("error.not_text"))
        return
    if not text:
        turn.retry(step, Rejected("error.empty"))
        return
    if len(text) > MAX_PASTED:
        turn.retry(step, Rejected("error.too_long", {"length": len(text), "max": MAX_PASTED}))
        return
    turn.files(step, FileInput(items=(EvidenceItem.of_text(text, "text", turn.now),)))


def keep_evidence(turn: Turn, target: EvidenceStep, items: tuple[EvidenceItem, ...]) -> tuple[int, Rejected | None]:
    """Add the acceptable new items to the evidence answer: (how many were added, the first problem)."""
    s, out = turn.s, turn.out
    have: list[dict[str, Any]] = list(s.answers.get(target.id) or [])
    known = {i["sha256"] for i in have}
    added = 0
    problem: Rejected | None = None
    for item in items:
        reason = evidence_problem(target, item)
        if reason is None and item.sha256 in known:
            reason = Rejected("evidence.duplicate")
        if reason is None and len(have) >= target.max_items:
            reason = Rejected("evidence.max", {"max": target.max_items})
        if reason is not None:
            problem = problem or reason
            continue
        have.append(item.answer())
        known.add(item.sha256)
        out.effects.append(AddEvidence(item))
        added += 1
    if added:
        s.answers[target.id] = have
        out.effects.append(SaveAnswer(target.id, have))
    return added, problem


def evidence_problem(step: EvidenceStep, item: EvidenceItem) -> Rejected | None:
    size = item.size
    if size <= 0:
        return Rejected("error.evidence_empty")
    if item.kind not in step.accept:
        return Rejected("error.evidence_kind")
    limit = int(step.max_size_mb * 1024 * 1024)
    if size > limit:
        return Rejected("error.evidence_size", {"size": human_size(size), "max": human_size(limit)})
    return None
