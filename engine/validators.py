"""Named validators that text steps can use in flows.yaml (`validator: email`).

Each returns None when the text is fine, or the key of an i18n error message.
"""
from __future__ import annotations

import re
from typing import Callable

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/#.]{2,63}$")
_NAME = re.compile(r"^[^\d@/\\<>{}\[\]|]{1,60}$")


def _email(text: str) -> str | None:
    return None if _EMAIL.match(text) else "error.email"


def _reference(text: str) -> str | None:
    return None if _REFERENCE.match(text) else "error.reference"


def _person_name(text: str) -> str | None:
    return None if _NAME.match(text) else "error.name"


VALIDATORS: dict[str, Callable[[str], str | None]] = {
    "email": _email,
    "reference": _reference,
    "person_name": _person_name,
}
