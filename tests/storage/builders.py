"""Small builders shared by the storage tests: a fixed start time (the ticking clock starts there), rows."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from storage import NewEvidence, Store, User

T0 = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)


async def make_user(store: Store, external_id: str = "1001", lang: str = "zh-CN") -> User:
    """A user on the telegram platform."""
    return await store.get_or_create_user("telegram", external_id, lang, T0)


async def make_case(store: Store, user: User, at: datetime = T0) -> int:
    """A fresh committed case of `user`."""
    async with store.transaction() as tx:
        return await tx.create_case(user.id, at, jurisdiction="CN")


def evidence(content: str, **extra: object) -> NewEvidence:
    """An evidence record whose hash and path derive from `content` (no real file needed)."""
    sha = hashlib.sha256(content.encode()).hexdigest()
    fields: dict[str, object] = {
        "sha256": sha,
        "kind": "image",
        "mime": "image/jpeg",
        "size": len(content),
        "stored_path": f"{sha[:2]}/{sha[2:4]}/{sha}",
    }
    fields.update(extra)
    return NewEvidence(**fields)  # type: ignore[arg-type]
