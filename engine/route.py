"""The flow's paths, worked out once per engine: each step with its behaviour and its conditions as functions.

Every event walks part of the flow (which steps are skipped, where a branch goes, which answers the summary
lists): about forty steps for a summary. Looking each step's kind, `when` and branches up again at every
step of every walk was a third of an event's cost (issue 15); a `Node` has them at hand. Nodes are read
only, built from the flow alone, so one person's answers never touch another's walk.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.conditions import Test, compiled
from engine.model import Alert, Flow, Step
from engine.steps import kind_of
from engine.steps.kind import StepKind


@dataclass(frozen=True, slots=True)
class Node:
    """One step of the flow, ready to walk."""

    step: Step
    kind: StepKind[Any]
    # The step's `when` (None: always on the path).
    when: Test | None
    # The branches in order, (condition or None for the default, target); empty for a plain next.
    branches: tuple[tuple[Test | None, str], ...]
    # Where the path goes when no branch is taken: the step's own `next`, else the step written below it.
    goto: str | None
    # The step takes an answer (not a message or the end).
    takes_answer: bool
    # An answer-taking step whose answer the summary lists.
    listed: bool
    # What the step's kind works out from the step alone, kept for the next event (a choice's buttons in
    # each language): by the kind's own keys, the same for everyone, gone with the engine.
    kept: dict[Any, Any] = field(default_factory=dict)

    def skipped(self, answers: dict[str, Any]) -> bool:
        """Off the path: its `when` is false."""
        return self.when is not None and not self.when(answers)

    def next_id(self, answers: dict[str, Any]) -> str | None:
        for when, target in self.branches:
            if when is None or when(answers):
                return target
        return self.goto


class Route:
    """Every node of a flow by step id, and its alerts with their conditions compiled."""

    def __init__(self, flow: Flow) -> None:
        self.nodes: dict[str, Node] = {s.id: _node(flow, s) for s in flow.steps}
        self.alerts: tuple[tuple[Alert, Test], ...] = tuple((a, compiled(a.when)) for a in flow.alerts)


def _node(flow: Flow, step: Step) -> Node:
    kind = kind_of(step)
    branches: tuple[tuple[Test | None, str], ...] = ()
    if isinstance(step.next, list):
        branches = tuple((None if b.when is None else compiled(b.when), b.goto) for b in step.next)
    goto = step.next if isinstance(step.next, str) else flow.following(step.id)
    return Node(
        step=step,
        kind=kind,
        when=None if step.when is None else compiled(step.when),
        branches=branches,
        goto=goto,
        takes_answer=step.takes_answer,
        listed=step.takes_answer and kind.in_summary,
    )
