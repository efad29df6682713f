"""One piece of evidence as it travels from an adapter through the engine to the case: typed and frozen.

The adapter hashes the bytes once (services/evidence_intake.py); the engine judges the item, the
service keeps the bytes under that hash and records the row, and the case's answers hold `answer()`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping


@dataclass(frozen=True)
class EvidenceItem:
    sha256: str
    kind: str
    mime: str
    size: int
    received_at: str
    filename: str | None = None
    caption: str | None = None
    origin: Mapping[str, Any] | None = None
    # Where the bytes wait until the case keeps them: a file (a temp file the store handed out when
    # `temporary`), or the text itself for a pasted or forwarded message.
    source: str | None = None
    temporary: bool = False
    text: str | None = None

    @classmethod
    def of_text(cls, text: str, kind: str, received_at: datetime, origin: Mapping[str, Any] | None = None) -> EvidenceItem:
        """A pasted or forwarded message as evidence: its UTF-8 bytes are what is kept and hashed."""
        data = text.encode("utf-8")
        return cls(hashlib.sha256(data).hexdigest(), kind, "text/plain", len(data), received_at.isoformat(), origin=origin, text=text)

    @classmethod
    def from_answer(cls, data: Mapping[str, Any]) -> EvidenceItem:
        """An item as a case's answers keep it (see `answer`)."""
        return cls(
            sha256=str(data["sha256"]),
            kind=str(data["kind"]),
            mime=str(data.get("mime") or "application/octet-stream"),
            size=int(data.get("size") or 0),
            received_at=str(data.get("received_at") or ""),
            filename=data.get("filename"),
            caption=data.get("caption"),
            origin=data.get("origin"),
        )

    def answer(self) -> dict[str, Any]:
        """What the case's answers keep: the facts of the file, not where its bytes waited."""
        return {
            "sha256": self.sha256,
            "kind": self.kind,
            "mime": self.mime,
            "size": self.size,
            "filename": self.filename,
            "caption": self.caption,
            "origin": dict(self.origin) if self.origin is not None else None,
            "received_at": self.received_at,
        }


def human_size(size: int) -> str:
    """A file size as people read it (12 KB, 3.4 MB)."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"
