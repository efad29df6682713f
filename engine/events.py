"""What the engine reacts to: platform-neutral events made by the adapters."""
from __future__ import annotations

from dataclasses import dataclass, field

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
class FileInput:
    """One or more evidence items already hashed by the service (an album is one input)."""

    items: tuple[EvidenceItem, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Command:
    name: str
    arg: str = ""


Event = TextInput | ButtonPress | FileInput | Command
