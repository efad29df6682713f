"""What the engine reacts to: platform-neutral events made by the adapters."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.evidence import EvidenceItem


@dataclass(frozen=True)
class TextInput:
    text: str


@dataclass(frozen=True)
class ButtonPress:
    """A tap on a button; `seq` binds it to the question it belonged to (None: the current one)."""

    value: str
    seq: int | None = None


@dataclass(frozen=True)
class Proposal:
    """Facts read from evidence (a screenshot, a pasted SMS, a story), for the person to confirm in one tap.

    `text` says what was read ("从截图读到：… 对吗？"); `answers` are the flow answers it would give, in
    the shapes the engine stores. Nothing is written until the person confirms (issue 13).
    """

    text: str
    answers: dict[str, Any] = field(default_factory=dict)
    # What the source plainly shows (engine/reading/signals.py): the flow's options that name them in
    # `read_from` are proposed too, listed under `text`, whose last line is its question.
    signals: tuple[str, ...] = ()
    # Answers `text` does not name (the kind of case a call log plainly is): listed under it with the flow's
    # label, as the ones read from `signals` are, so every fact the tap writes was shown.
    unstated: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileInput:
    """One or more evidence items already hashed by the service (an album is one input), with what the
    service read from them, if anything."""

    items: tuple[EvidenceItem, ...] = field(default_factory=tuple)
    proposal: Proposal | None = None


@dataclass(frozen=True)
class Command:
    name: str
    arg: str = ""


Event = TextInput | ButtonPress | FileInput | Command
