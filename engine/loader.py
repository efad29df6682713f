"""Loading and checking flows.yaml: every problem is reported at once as file:line:col: message.

Used at start-up (a broken flow is refused before the bot serves anyone) and by `bot.py check`.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from engine.conditions import referenced_answers
from engine.model import (
    LANGS,
    ChoiceStep,
    ChoicesStep,
    Condition,
    ConfirmStep,
    DateTimeStep,
    EndStep,
    Flow,
    NumberStep,
    PhoneStep,
    Step,
    SummaryStep,
    TextStep,
)
from engine.steps import kind_of
from engine.yamlmarks import MarkedDocument, SourceProblem, load_marked, pydantic_problems, read_source


class FlowError(Exception):
    """A flow file that cannot be used; `problems` lists every reason with its location."""

    def __init__(self, problems: list[SourceProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_flow(path: str | Path) -> Flow:
    """Load and fully check a flow file; raises FlowError listing every problem."""
    flow, problems = check_flow_file(path)
    if problems or flow is None:
        raise FlowError(problems)
    return flow


def check_flow_file(path: str | Path) -> tuple[Flow | None, list[SourceProblem]]:
    """Parse, validate and cross-check a flow file; returns the flow (if usable) and all problems."""
    text, problems = read_source(path)
    if text is None:
        return None, problems
    return check_flow_text(text, str(path))


def check_flow_text(text: str, name: str) -> tuple[Flow | None, list[SourceProblem]]:
    doc, problems = load_marked(text, name)
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, problems + [doc.problem_at((), "the flow must be a mapping with 'flow' and 'steps'")]
    try:
        flow = Flow.model_validate(doc.data)
    except ValidationError as exc:
        return None, problems + _friendly(pydantic_problems(doc, exc)) + _structural_checks(doc)
    problems += list(_semantic_checks(flow, doc))
    return (flow if not problems else None), problems


def _friendly(problems: list[SourceProblem]) -> list[SourceProblem]:
    for p in problems:
        for lang in LANGS:
            if p.message == f"missing required field '{lang}'":
                p.message = f"missing translation '{lang}'"
    return problems


def _structural_checks(doc: MarkedDocument) -> list[SourceProblem]:
    """Checks that still make sense when the schema failed (so they are not hidden by it)."""
    steps = doc.data.get("steps") if isinstance(doc.data, dict) else None
    if not isinstance(steps, list):
        return []
    ids = [s.get("id") if isinstance(s, dict) else None for s in steps]
    return list(_duplicate_ids(ids, doc))


def _duplicate_ids(ids: list[Any], doc: MarkedDocument) -> Iterator[SourceProblem]:
    seen: set[Any] = set()
    for i, step_id in enumerate(ids):
        if step_id is None:
            continue
        if step_id in seen:
            yield doc.problem_at(("steps", i, "id"), f"duplicate step id '{step_id}'")
        seen.add(step_id)


def _targets(flow: Flow, index: int) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, target id) for every place a step points to another step."""
    step = flow.steps[index]
    base: tuple[Any, ...] = ("steps", index)
    if isinstance(step.next, str):
        yield base + ("next",), step.next
    elif isinstance(step.next, list):
        for b, branch in enumerate(step.next):
            yield base + ("next", b, "goto"), branch.goto
    if isinstance(step, ConfirmStep) and step.on_no:
        yield base + ("on_no",), step.on_no


def _successors(flow: Flow, index: int) -> list[str]:
    step = flow.steps[index]
    if isinstance(step, EndStep):
        return []
    found = [target for _, target in _targets(flow, index)]
    explicit_default = isinstance(step.next, str) or (
        isinstance(step.next, list) and any(b.when is None for b in step.next)
    )
    following = flow.following(step.id)
    if not explicit_default and following:
        found.append(following)
    return found


def _conditions(flow: Flow) -> Iterator[tuple[tuple[Any, ...], Condition]]:
    for i, step in enumerate(flow.steps):
        if step.when is not None:
            yield ("steps", i, "when"), step.when
        if isinstance(step.next, list):
            for b, branch in enumerate(step.next):
                if branch.when is not None:
                    yield ("steps", i, "next", b, "when"), branch.when
    for a, alert in enumerate(flow.alerts):
        yield ("alerts", a, "when"), alert.when
    for i, step in enumerate(flow.steps):
        for f, fill in enumerate(step.fills):
            if fill.when is not None:
                yield ("steps", i, "fills", f, "when"), fill.when


def _semantic_checks(flow: Flow, doc: MarkedDocument) -> Iterator[SourceProblem]:
    ids = [s.id for s in flow.steps]
    yield from _duplicate_ids(ids, doc)
    known = set(ids)
    if flow.flow.start and flow.flow.start not in known:
        yield doc.problem_at(("flow", "start"), f"start step '{flow.flow.start}' does not exist")
    for i, step in enumerate(flow.steps):
        for path, target in _targets(flow, i):
            if target not in known:
                yield doc.problem_at(path, f"step '{step.id}' goes to unknown step '{target}'")
        if isinstance(step.next, list) and step.next and step.next[-1].when is not None and flow.following(step.id) is None:
            yield doc.problem_at(("steps", i, "next"), f"step '{step.id}' has no default branch and no step after it")
        if step.next is None and not isinstance(step, EndStep) and flow.following(step.id) is None:
            yield doc.problem_at(("steps", i), f"the last step '{step.id}' must be of type 'end' or say where to go next")
        yield from _limits(step, i, doc)
        for suggest_from in getattr(step, "suggest_from", None) or []:
            if suggest_from not in known or suggest_from == step.id:
                yield doc.problem_at(("steps", i, "suggest_from"), f"suggest_from must name another step, not '{suggest_from}'")
            elif ids.index(suggest_from) > i:
                yield doc.problem_at(("steps", i, "suggest_from"), f"suggest_from '{suggest_from}' is asked after step '{step.id}'")
        region_from = getattr(step, "region_from", None)
        if region_from and region_from not in known:
            yield doc.problem_at(("steps", i, "region_from"), f"region_from refers to unknown step '{region_from}'")
        if step.takes_answer and step.label is None:
            yield doc.problem_at(("steps", i), f"step '{step.id}' needs a 'label' (its name in the summary)")
    yield from _fill_checks(flow, doc)
    yield from _combo_checks(flow, doc)
    answerable = known | {f.id for s in flow.steps for f in s.fills}
    for path, cond in _conditions(flow):
        for ref in referenced_answers(cond):
            if ref not in answerable:
                yield doc.problem_at(path, f"condition refers to unknown step '{ref}'")
    reachable = _reachable(flow)
    for i, step in enumerate(flow.steps):
        if step.id not in reachable:
            yield doc.problem_at(("steps", i, "id"), f"step '{step.id}' can never be reached")
    if not any(isinstance(s, EndStep) for s in flow.steps):
        yield doc.problem_at(("steps",), "the flow has no step of type 'end'")
    alert_ids = Counter(a.id for a in flow.alerts)
    for a, alert in enumerate(flow.alerts):
        if alert_ids[alert.id] > 1:
            yield doc.problem_at(("alerts", a, "id"), f"duplicate alert id '{alert.id}'")
            alert_ids[alert.id] = 1




# What each kind of fill is read from: the step types whose one input can hold it.
FILL_KINDS: dict[str, tuple[type, ...]] = {
    "time": (ChoiceStep, PhoneStep),
    "detail": (ChoicesStep, ChoiceStep),
    "amount": (ChoiceStep,),
    "same": (ChoiceStep,),
    "company": (TextStep,),
    "name": (TextStep,),
    "phone": (TextStep,),
    "email": (TextStep,),
    "yes": (SummaryStep,),
}
# A fill that answers a later question must have that question's type.
FILL_ANSWERS: dict[str, type] = {"time": DateTimeStep, "detail": TextStep, "amount": NumberStep, "same": ChoiceStep}


def _fill_checks(flow: Flow, doc: MarkedDocument) -> Iterator[SourceProblem]:
    """A fill is an answer of its own, or the answer to a later question of the same type (which is then
    asked only when the input did not hold it); its step type must be able to hold it."""
    order = {s.id: i for i, s in enumerate(flow.steps)}
    seen: set[str] = set()
    for i, step in enumerate(flow.steps):
        for f, fill in enumerate(step.fills):
            at = ("steps", i, "fills", f)
            if fill.id in seen:
                yield doc.problem_at(at + ("id",), f"fill '{fill.id}' is filled by another step too")
            seen.add(fill.id)
            if not isinstance(step, FILL_KINDS[fill.kind]):
                yield doc.problem_at(at + ("kind",), f"a '{step.type}' step cannot fill a '{fill.kind}'")
            if fill.id in order:
                yield from _later_question(flow, step, fill, order, doc, at)
            elif fill.kind == "same":
                yield doc.problem_at(at + ("id",), f"a 'same' fill must name a later choice step, not '{fill.id}'")
            if fill.region_from and fill.region_from not in order:
                yield doc.problem_at(at + ("region_from",), f"region_from refers to unknown step '{fill.region_from}'")
        if sum(1 for fill in step.fills if fill.kind in ("time", "detail")) > 2:
            yield doc.problem_at(("steps", i, "fills"), f"step '{step.id}' fills too many times and details")


def _later_question(
    flow: Flow, step: Any, fill: Any, order: dict[str, int], doc: MarkedDocument, at: tuple[Any, ...]
) -> Iterator[SourceProblem]:
    target: Any = flow.step(fill.id)
    wanted = FILL_ANSWERS.get(fill.kind)
    options = [o.value for o in getattr(target, "options", [])]
    coarsest = getattr(target, "coarsest", "day")
    if order[fill.id] <= order[step.id]:
        yield doc.problem_at(at + ("id",), f"fill '{fill.id}' names step '{fill.id}', which is not asked after '{step.id}'")
    elif wanted is None or not isinstance(target, wanted):
        yield doc.problem_at(at + ("id",), f"a '{fill.kind}' fill cannot answer the '{target.type}' step '{fill.id}'")
    elif fill.kind == "same" and options != [o.value for o in step.options]:
        yield doc.problem_at(at + ("id",), f"a 'same' fill needs step '{fill.id}' to have the same options")
    elif fill.kind == "time" and PRECISION_ORDER.index(fill.coarsest) > PRECISION_ORDER.index(coarsest):
        yield doc.problem_at(at + ("coarsest",), f"the fill takes vaguer times than step '{fill.id}' ({coarsest})")


PRECISION_ORDER = ("day", "month", "year")


def _combo_checks(flow: Flow, doc: MarkedDocument) -> Iterator[SourceProblem]:
    """A combined answer sets later choice questions, each to one of its options, and none a fill sets too."""
    order = {s.id: i for i, s in enumerate(flow.steps)}
    for i, step in enumerate(flow.steps):
        for k, combo in enumerate(getattr(step, "combos", None) or []):
            for key, value in combo.also.items():
                at = ("steps", i, "combos", k, "also", key)
                target = flow.step(key) if key in order else None
                if target is None or order[key] <= i:
                    yield doc.problem_at(at, f"a combo must set a choice step asked after '{step.id}', not '{key}'")
                elif not isinstance(target, ChoiceStep):
                    yield doc.problem_at(at, f"a combo can only set a choice step, not the '{target.type}' step '{key}'")
                elif value not in {o.value for o in target.options}:
                    yield doc.problem_at(at, f"'{value}' is not an option of step '{key}'")
                elif flow.filled_by(key) is not None:
                    yield doc.problem_at(at, f"step '{key}' is filled by step '{flow.filled_by(key)}' too")


def _reachable(flow: Flow) -> set[str]:
    index = {s.id: i for i, s in enumerate(flow.steps)}
    seen: set[str] = set()
    todo = [flow.start] if flow.has(flow.start) else []
    while todo:
        current = todo.pop()
        if current in seen or current not in index:
            continue
        seen.add(current)
        todo.extend(_successors(flow, index[current]))
    return seen


def _limits(step: Step, i: int, doc: MarkedDocument) -> Iterator[SourceProblem]:
    """What the step's type checks in its definition (min above max, duplicate options...)."""
    for path, message in kind_of(step).check(step):
        yield doc.problem_at(("steps", i, *path), message)
