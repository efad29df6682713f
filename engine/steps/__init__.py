"""Step behaviour as a table: one module per step type, registered by its `type` name.

`kind_of(step)` gives the behaviour of a step (engine/steps/kind.py says what a kind decides). A new
type is one module: its model (a `Step` with `type: Literal["name"]`) and its kind, passed to
`register`; flows may then use it, and the engine asks, reads and shows it like any other.
"""
from __future__ import annotations

from engine.steps.channel import ChannelKind
from engine.steps.choice import ChoiceKind
from engine.steps.choices import ChoicesKind
from engine.steps.confirm import ConfirmKind
from engine.steps.datetime import DateTimeKind
from engine.steps.end import EndKind
from engine.steps.evidence import EvidenceKind
from engine.steps.message import MessageKind
from engine.steps.number import NumberKind
from engine.steps.phone import PhoneKind
from engine.steps.registry import KINDS, kind_of, register
from engine.steps.summary import SummaryKind
from engine.steps.text import TextKind

for _kind in (
    MessageKind(),
    TextKind(),
    NumberKind(),
    ChoiceKind(),
    ChoicesKind(),
    PhoneKind(),
    DateTimeKind(),
    EvidenceKind(),
    ConfirmKind(),
    SummaryKind(),
    ChannelKind(),
    EndKind(),
):
    register(_kind)

__all__ = ["KINDS", "kind_of", "register"]
