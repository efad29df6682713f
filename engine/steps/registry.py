"""The table of step types: `type` name -> behaviour. Registering a kind also makes its model a step
type that flows.yaml may use, so a new type needs nothing but its own module."""
from __future__ import annotations

from typing import Any

from engine.model import Step, register_step_model, step_type_name
from engine.steps.kind import StepKind

KINDS: dict[str, StepKind[Any]] = {}


def register(kind: StepKind[Any]) -> None:
    register_step_model(kind.model)
    KINDS[step_type_name(kind.model)] = kind


def kind_of(step: Step) -> StepKind[Any]:
    return KINDS[step.type]
