"""The conversation state of one person: plain data, saved as JSON after every event."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

IDLE, ACTIVE, PAUSED, DONE = "idle", "active", "paused", "done"

_SCALARS = frozenset({str, int, float, bool, type(None)})


@dataclass
class SessionState:
    """Where a person is in the flow; everything needed to resume after a restart lives here."""

    lang: str = "zh"
    status: str = IDLE
    case_id: int | None = None
    step: str | None = None
    history: list[str] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    seq: int = 0
    failures: int = 0
    editing: bool = False
    # At the summary: showing the list of answers to pick one to edit, instead of the summary.
    edit_list: bool = False
    selected: list[str] = field(default_factory=list)
    # At a one-tap multiple choice: "pick several" was tapped, so a tap ticks an option instead of answering.
    multi: bool = False
    alerts_shown: list[str] = field(default_factory=list)
    pending: dict[str, Any] | None = None
    # Facts read from evidence awaiting the person's "right?" ({"text": ..., "answers": {...}}).
    proposal: dict[str, Any] | None = None
    # Steps answered from a confirmed proposal: the flow does not ask them again.
    known: list[str] = field(default_factory=list)
    # The last question asked outside the flow (filed? reference? delete?), shown again after a restart.
    prompt: dict[str, Any] | None = None
    # The person's /timezone, set from their profile on every load, for reading the time of a call.
    timezone: str | None = None
    # The name the platform's profile shows (Telegram first and last name), set on every event and never
    # saved: offered as one tap where a name is asked, never written unless the person taps it.
    profile_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as they are (not copied), but the profile name: the store encodes them to JSON at once."""
        return {name: getattr(self, name) for name in _SAVED}

    def copy(self) -> SessionState:
        """The state to change for one event, as a JSON round trip would copy it, except that the values in
        `answers` are shared with the original: an answer is replaced, never changed in place (the engine's
        rule, which the engine fuzz test checks by asserting advance leaves its input state unchanged), and
        copying evidence and phone answers was most of the copy's cost (issue 15). Every list and dict of the
        state itself is new, and strings and numbers, which cannot change, are shared."""
        copied = object.__new__(SessionState)
        fields = self.__dict__
        copied.__dict__ = {
            name: value if type(value) in _SCALARS else _json_copy(value) for name in _COPIED for value in (fields[name],)
        }
        copied.answers = dict(self.answers)
        return copied

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SessionState:
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


_SAVED = tuple(name for name in SessionState.__dataclass_fields__ if name != "profile_name")
_COPIED = tuple(name for name in SessionState.__dataclass_fields__ if name != "answers")


def _json_copy(value: Any) -> Any:
    """`json.loads(json.dumps(value))` for JSON data, without the text in between. Anything else (a tuple,
    a key that is not a string, an object) takes the real round trip, so it turns out the same or fails the same."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [item if type(item) in _SCALARS else _json_copy(item) for item in value]
    if kind is dict:
        copied = {key: item if type(item) in _SCALARS else _json_copy(item) for key, item in value.items()}
        if not copied or set(map(type, copied)) == {str}:
            return copied
    return json.loads(json.dumps(value))
