"""What the PostgreSQL store's queries share: row decoding, numbered parameters, counts, the reminder scope."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from storage.codec import utc
from storage.rows import RowDecoder

# asyncpg returns timestamptz as aware datetimes already; `utc` only normalises the zone.
ROWS = RowDecoder(time=utc)


class Params:
    """Collects query arguments and hands out their $n placeholders, so clauses can be built in any order."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def rows_affected(status: str) -> int:
    """The row count of a command status such as 'UPDATE 3' or 'INSERT 0 1'."""
    return int(status.rsplit(" ", 1)[-1])


def reminder_scope(
    p: Params, platforms: Collection[str], user_ids: Collection[int] | None
) -> str:
    """The WHERE clause that limits reminders `r` (joined to users `u`) to some platforms and users."""
    scope = f"u.platform = ANY({p(sorted(set(platforms)))}::text[])"
    if user_ids is not None:
        scope += f" AND r.user_id = ANY({p(sorted(set(user_ids)))}::bigint[])"
    return scope
