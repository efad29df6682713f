"""The result of reading one answer, and the small readers every step type shares.

Each step type (engine/steps/) reads its answers into `Accepted` (value + how to show it) or
`Rejected` (the message key and its values, to ask again politely).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from engine.i18n import t


# Typed instead of tapping Done (a multiple choice, the evidence): what was given is the answer.
DONE_WORDS = {"done", "finish", "finished", "完成", "好了", "没有了", "結束", "结束", "ok"}


@dataclass(frozen=True)
class Accepted:
    value: Any
    label: str


@dataclass(frozen=True)
class Rejected:
    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


def small_number(text: str, limit: int = 9) -> int | None:
    """A typed option or case number: ASCII digits only (str.isdigit also admits digits int() refuses)."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= limit:
        return int(text)
    return None


def clean_text(text: str) -> str:
    """Normalise width and spaces (full-width digits from Chinese keyboards are common)."""
    return unicodedata.normalize("NFKC", text).strip()


def looks_garbled(text: str) -> bool:
    """True for binary junk pasted as text: control characters or replacement characters dominate."""
    if not text or (text.isprintable() and "\ufffd" not in text):
        # Printable text holds no control, surrogate, private-use or unassigned character: the usual case,
        # answered without looking at each character (issue 15).
        return False
    bad = sum(
        1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t")
    )
    return bad > max(2, len(text) // 20)
