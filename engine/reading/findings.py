"""What was read from a screenshot or a pasted text: typed, frozen facts that are proposed, never filled in silently.

Every value here was seen in the source; nothing is guessed. A field the source did not show stays None
or empty, so the conversation asks for it instead of assuming it (issue 13, "never fill a fact silently").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from engine.parsing.phones import PhoneKind

Source = Literal["screenshot", "text"]
Layout = Literal["call_log", "sms", "story", "unknown"]
Precision = Literal["minute", "day"]
CallerKind = Literal["robot", "person"]
VerdictKind = Literal["fraud", "spam", "unknown"]
ReadProblem = Literal["unreadable", "too_large", "timeout", "failed"]


@dataclass(frozen=True)
class When:
    """A moment read from the source, with how precisely it was written (a bare date is "day")."""

    at: datetime
    precision: Precision


@dataclass(frozen=True)
class Call:
    """One row of a call log: a number, and what the row says about that call."""

    number: str
    display: str
    kind: PhoneKind
    region: str | None = None
    when: When | None = None
    missed: bool | None = None
    duration_s: int | None = None
    repeats: int = 1
    tag: str | None = None
    marked_by: int | None = None


@dataclass(frozen=True)
class Message:
    """One SMS: its sender as shown, its text, the 【signature】 and the links in it."""

    text: str
    sender: str | None = None
    sender_display: str | None = None
    sender_kind: PhoneKind | None = None
    signature: str | None = None
    links: tuple[str, ...] = ()
    when: When | None = None


@dataclass(frozen=True)
class NumberSeen:
    """Everything read about one number, summed over the calls that show it."""

    number: str
    display: str
    kind: PhoneKind
    region: str | None = None
    calls: int = 0
    missed: int = 0
    answered: int = 0
    first: When | None = None
    last: When | None = None
    durations_s: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    marked_by: int | None = None


@dataclass(frozen=True)
class Verdict:
    """Fraud, spam (marketing) or neither, with the codes of the cues that decided it."""

    kind: VerdictKind
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Findings:
    """All facts read from one piece of evidence; `problem` says why nothing could be read."""

    source: Source
    layout: Layout = "unknown"
    numbers: tuple[NumberSeen, ...] = ()
    # Numbers the text asks the reader to call, text or add ("请致电 …", "call … now", "reply STOP to …"):
    # the scammer's line or a service's, never the number that called or sent it, so never one of `numbers`.
    callbacks: tuple[NumberSeen, ...] = ()
    calls: tuple[Call, ...] = ()
    messages: tuple[Message, ...] = ()
    companies: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    times: tuple[When, ...] = ()
    caller: CallerKind | None = None
    times_reported: int | None = None
    opted_out: bool = False
    verdict: Verdict = field(default_factory=lambda: Verdict("unknown"))
    problem: ReadProblem | None = None

    @property
    def empty(self) -> bool:
        """True when nothing worth proposing was found (the bot then just keeps the file and asks)."""
        return not (self.numbers or self.callbacks or self.messages or self.companies or self.links or self.times)
