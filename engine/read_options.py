"""Answers proposed from what evidence plainly shows, through the options that say so in flows.yaml (`read_from`).

A pasted fraud message that asks for a verification code proposes "提供验证码" at "对方要求" because that
option lists the `verify_code` cue (a name joined with "+", such as `refund_lure+impersonate_cs`, needs
all its parts); an SMS with a 【signature】 proposes "发短信" at "对方联系方式". A step
is proposed only when its `when` holds with the answers given and proposed (the fraud questions only on
the fraud path), a single choice only when exactly one option is shown, and nothing is written until the
person confirms the whole proposal (engine.Turn.propose). Pure.
"""
from __future__ import annotations

from typing import Any

from engine.conditions import holds
from engine.model import ChoicesStep, ChoiceStep, Flow


def read_answers(flow: Flow, signals: tuple[str, ...], answers: dict[str, Any]) -> dict[str, Any]:
    """Step id -> proposed value (an option's value, or a list of them for a multiple choice)."""
    shown = set(signals)
    found: dict[str, Any] = {}
    if not shown:
        return found
    for step in flow.steps:
        if not isinstance(step, (ChoiceStep, ChoicesStep)) or step.id in answers:
            continue
        if step.when is not None and not holds(step.when, {**answers, **found}):
            continue
        picked = [option.value for option in step.options if any(set(name.split("+")) <= shown for name in option.read_from)]
        if isinstance(step, ChoiceStep):
            if len(picked) == 1:
                found[step.id] = picked[0]
        elif picked and len(picked) >= step.min_selected and (step.max_selected is None or len(picked) <= step.max_selected):
            found[step.id] = picked
    return found
