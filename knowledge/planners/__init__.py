"""Recommendation planners, one module per country, registered by jurisdiction code.

A planner turns a case's facts into an ordered plan of (channel id, reason key); which channels exist,
their names and their reasons' wording are data in channels.yaml. A new country is a jurisdiction in
channels.yaml plus a module here (`knowledge/planners/<code>.py`, found by its code) that decorates its
planner with `@planner("<CODE>")`.
"""
from __future__ import annotations

import importlib
from typing import Callable

from knowledge.catalog import Catalog
from knowledge.facts import Facts

# A plan is an ordered list of (channel id, reason key); the reason texts live with the channel in channels.yaml.
Plan = list[tuple[str, str]]
Planner = Callable[[Catalog, Facts], Plan]

_PLANNERS: dict[str, Planner] = {}


def planner(code: str) -> Callable[[Planner], Planner]:
    """Register the decorated function as the planner of jurisdiction `code`."""

    def register(function: Planner) -> Planner:
        _PLANNERS[code] = function
        return function

    return register


def planner_for(code: str) -> Planner | None:
    """The planner of `code`, importing `knowledge.planners.<code>` the first time; None if there is none."""
    if code not in _PLANNERS and code.isalpha():
        try:
            importlib.import_module(f"{__name__}.{code.lower()}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{code.lower()}":
                raise
    return _PLANNERS.get(code)
