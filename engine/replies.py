"""What the engine gives back: replies for the person and effects for the service to apply."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.evidence import EvidenceItem
from engine.state import SessionState


# Buttons and replies are made several times per event (issue 15): their __init__ fills the instance dict
# directly, which costs half of what a frozen dataclass's field-by-field object.__setattr__ does. They stay
# frozen dataclasses otherwise (equality, hashing, replace, no assignment); tests/engine/test_replies.py
# checks that each __init__ takes exactly the fields, with their defaults.


@dataclass(frozen=True, init=False)
class Button:
    label: str
    value: str

    def __init__(self, label: str, value: str) -> None:
        fields = self.__dict__
        fields["label"] = label
        fields["value"] = value


@dataclass(frozen=True, init=False)
class Reply:
    """One message to show. `expects` says what kind of answer the current question wants;
    `attachments` are paths of files to send with it (an export), shown as paths in the local chat."""

    text: str
    buttons: tuple[Button, ...] = ()
    expects: str | None = None
    seq: int | None = None
    kind: str = "info"
    attachments: tuple[str, ...] = ()

    def __init__(
        self,
        text: str,
        buttons: tuple[Button, ...] = (),
        expects: str | None = None,
        seq: int | None = None,
        kind: str = "info",
        attachments: tuple[str, ...] = (),
    ) -> None:
        fields = self.__dict__
        fields["text"] = text
        fields["buttons"] = buttons
        fields["expects"] = expects
        fields["seq"] = seq
        fields["kind"] = kind
        fields["attachments"] = attachments

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "buttons": [{"label": b.label, "value": b.value} for b in self.buttons],
            "expects": self.expects,
        }
        if self.attachments:
            data["files"] = list(self.attachments)
        return data


@dataclass(frozen=True)
class StartCase:
    """Create a draft case now; the service writes its id into the state."""


@dataclass(frozen=True)
class SaveAnswer:
    step_id: str
    value: Any


@dataclass(frozen=True)
class AddEvidence:
    item: EvidenceItem


@dataclass(frozen=True)
class CompleteCase:
    """The person confirmed everything: the service stores the case as ready and drafts the complaint."""


@dataclass(frozen=True)
class RecordEvent:
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SetLanguage:
    lang: str


Effect = StartCase | SaveAnswer | AddEvidence | CompleteCase | RecordEvent | SetLanguage


@dataclass
class Outcome:
    """The result of one event: the new state, the replies to send, the effects to persist together."""

    state: SessionState
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    answered: str | None = None
    stale: bool = False

    @property
    def refused(self) -> bool:
        """The input was not taken: the question was asked again with the reason."""
        return any(reply.kind == "error" for reply in self.replies)
