"""The conversation as a picture: a flow drawn as a Mermaid flowchart (`python bot.py diagram`).

Each step is a node showing its id and its type; each way on is an edge, labelled with its branch
condition ("no" for a confirm step's way back). A step asked only when a condition holds (`when`) has
that condition on the way into it, and a dotted "else" way past it. Mermaid renders on GitHub and in most Markdown viewers, so the picture in the
README and ARCHITECTURE.md is generated from flows.yaml, not drawn by hand.
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

from engine.model import Condition, ConfirmStep, EndStep, Flow


def condition_text(cond: Condition) -> str:
    """A condition in a few words: `issue_type = fraud`, `not (frequency = once)`."""
    if cond.all is not None:
        return " and ".join(_grouped(c) for c in cond.all)
    if cond.any is not None:
        return " or ".join(_grouped(c) for c in cond.any)
    if cond.not_ is not None:
        inner = cond.not_
        if inner.answer and inner.equals is not None and inner.model_fields_set <= {"answer", "equals"}:
            return f"{inner.answer} ≠ {_value(inner.equals)}"
        return f"not {_grouped(inner)}"
    name = cond.answer or "?"
    for test, words in _TESTS:
        value = getattr(cond, test)
        if value is not None:
            return f"{name} {words(value)}"
    return name


# A test on one answer, in the order they are looked for, and its words after the answer's name.
_TESTS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("is_set", lambda v: f"is {'set' if v else 'not set'}"),
    ("equals", lambda v: f"= {_value(v)}"),
    ("in_", lambda v: f"in {', '.join(_value(x) for x in v)}"),
    ("contains", lambda v: f"contains {_value(v)}"),
    ("matches_any", lambda v: f"mentions {' / '.join(v)}"),
    ("gte", lambda v: f"≥ {v:g}"),
    ("lte", lambda v: f"≤ {v:g}"),
    ("before", lambda v: f"before {v}"),
)


def _grouped(cond: Condition) -> str:
    text = condition_text(cond)
    return f"({text})" if cond.all is not None or cond.any is not None else text


def _value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def edges(flow: Flow) -> Iterator[tuple[str, str, str, bool]]:
    """(from, to, label, skip) for every way from one step to another.

    An empty label is the default way. A step with `when` is entered only if its condition holds:
    the way into it carries the condition, and a dotted `skip` way leads past it.
    """
    for step in flow.steps:
        if isinstance(step, EndStep):
            continue
        for target, label in _ways_on(flow, step):
            into = flow.step(target) if flow.has(target) else None
            if into is not None and into.when is not None and not label:
                yield step.id, target, f"if {condition_text(into.when)}", False
                past = _default_next(flow, into)
                if past:
                    yield step.id, past, "else", True
            else:
                yield step.id, target, label, False


def _ways_on(flow: Flow, step: Any) -> Iterator[tuple[str, str]]:
    has_default = False
    if isinstance(step.next, str):
        yield step.next, ""
        has_default = True
    elif isinstance(step.next, list):
        for branch in step.next:
            yield branch.goto, condition_text(branch.when) if branch.when else ""
            has_default = has_default or branch.when is None
    following = flow.following(step.id)
    if not has_default and following:
        yield following, ""
    if isinstance(step, ConfirmStep) and step.on_no:
        yield step.on_no, "no"


def _default_next(flow: Flow, step: Any) -> str | None:
    """Where the engine goes when it skips `step`."""
    if isinstance(step.next, str):
        return step.next
    if isinstance(step.next, list):
        return next((b.goto for b in step.next if b.when is None), flow.following(step.id))
    return flow.following(step.id)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def mermaid(flow: Flow) -> str:
    """The flow as Mermaid flowchart source, top to bottom."""
    lines = ["flowchart TD"]
    for step in flow.steps:
        label = f"{step.id}<br/><i>{step.type}</i>"
        shape = ("([", "])") if isinstance(step, EndStep) else ("[", "]")
        lines.append(f"    {step.id}{shape[0]}{_quoted(label)}{shape[1]}")
    for source, target, label, skip in edges(flow):
        if skip:
            arrow = f" -. {_quoted(label)} .-> "
        else:
            arrow = f" -- {_quoted(label)} --> " if label else " --> "
        lines.append(f"    {source}{arrow}{target}")
    return "\n".join(lines) + "\n"
