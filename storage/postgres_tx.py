"""The write side of the PostgreSQL store: every method runs inside one open transaction.

The store hands each transaction its own pooled connection, so transactions of different
coroutines (and processes) run side by side at READ COMMITTED; every write is a single statement
whose conflicts PostgreSQL resolves by row locks (ON CONFLICT, the claim's SKIP LOCKED). As in
PostgreSQL generally, a statement that fails aborts the whole transaction: after an error, such as
the LookupError for a missing case, the block can only end, and it rolls back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from storage.codec import encode_json, utc
from storage.postgres_sql import ROWS as POSTGRES_ROWS
from storage.postgres_sql import Params, reminder_scope, rows_affected
from storage.protocols import InboundUpdate
from storage.rows import JOURNAL_COLUMNS, REMINDER_COLUMNS
from storage.sql_tx import Rows, SqlTx
from storage.statements import POSTGRES, numbered

# The advisory lock class ("swep") of a platform's journal sweep (storage/postgres.py has the others).
SWEEP_LOCK_CLASS = 0x73776570

# One statement for a whole batch: the rows come in as parallel arrays.
_JOURNAL_UPDATES = (
    "INSERT INTO update_journal (platform, update_id, chat_id, payload, received_at) "
    "SELECT $1, u.update_id, u.chat_id, u.payload::json, $5 "
    "FROM unnest($2::bigint[], $3::text[], $4::text[]) AS u (update_id, chat_id, payload) "
    "ON CONFLICT (platform, update_id) DO NOTHING"
)


class PostgresTx(SqlTx[asyncpg.Connection]):
    """Writes of one transaction on its pooled connection; dead once the block exits.

    The writes both stores make alike are in storage/sql_tx.py; here are PostgreSQL's own statements.
    """

    SQL = POSTGRES
    ROWS = POSTGRES_ROWS

    def _time(self, at: datetime) -> datetime:
        return utc(at)

    def _missing_parent(self, exc: Exception) -> bool:
        return isinstance(exc, asyncpg.ForeignKeyViolationError)

    def _numbered(self, sql: str) -> str:
        return numbered(sql)

    async def _count(self, sql: str, *args: Any) -> int:
        return rows_affected(await self._conn.execute(sql, *args))

    async def _value(self, sql: str, *args: Any) -> Any:
        return await self._conn.fetchval(sql, *args)

    def _one_of(self, column: str, values: Sequence[Any], sqltype: str) -> tuple[str, list[Any]]:
        return f"{column} = ANY(?::{sqltype}[])", [list(values)]

    async def _rows(self, sql: str, *args: Any) -> Rows:
        return await self._conn.fetch(sql, *args)

    async def _journal_rows(self, platform: str, updates: Sequence[InboundUpdate], at: datetime) -> int:
        return await self._count(
            _JOURNAL_UPDATES,
            platform,
            [u.update_id for u in updates],
            [u.chat_id for u in updates],
            [encode_json(u.payload) for u in updates],
            utc(at),
        )

    async def _claim_journal_rows(
        self, platform: str, at: datetime | None, claimed_before: datetime | None, received_before: datetime | None
    ) -> Rows:
        """Rows another transaction is claiming are skipped (FOR UPDATE SKIP LOCKED).

        A sweep (`received_before`) runs in one process at a time, or gets nothing: two sweeps at
        once could split one person's rows between processes, which would handle them side by side."""
        if received_before is not None and not await self._conn.fetchval(
            "SELECT pg_try_advisory_xact_lock($1, hashtext($2))", SWEEP_LOCK_CLASS, platform
        ):
            return []
        p = Params()
        stamp = "claimed_at" if at is None else p(utc(at))
        condition = f"platform = {p(platform)}"
        if claimed_before is not None:
            condition += f" AND (claimed_at IS NULL OR claimed_at < {p(utc(claimed_before))})"
        if received_before is not None:
            condition += f" AND received_at < {p(utc(received_before))}"
        return await self._conn.fetch(
            f"UPDATE update_journal SET attempts = attempts + 1, claimed_at = {stamp} "
            f"WHERE (platform, update_id) IN (SELECT platform, update_id FROM update_journal WHERE {condition} "
            f"FOR UPDATE SKIP LOCKED) RETURNING {JOURNAL_COLUMNS}",
            *p.values,
        )

    async def _claim_reminder_rows(
        self, now: datetime, limit: int, platforms: list[str], expired: datetime | None, max_attempts: int,
        user_ids: list[int] | None,
    ) -> Rows:
        """Safe across processes: the rows are chosen with FOR UPDATE SKIP LOCKED inside the
        claiming UPDATE, so a row another transaction is claiming is skipped, not waited for,
        and a row it has claimed no longer matches once its lock is released (PostgreSQL
        checks the condition again on the newest version). No row is claimed twice.
        """
        stamp = utc(now)
        if expired is not None:
            await self._give_up_expired(utc(expired), max_attempts, platforms, user_ids)
        p = Params()
        due = f"(r.status = 'pending' AND r.due_at <= {p(stamp)})"
        if expired is not None:
            due = f"({due} OR (r.status = 'claimed' AND r.claimed_at <= {p(utc(expired))}))"
        scope = reminder_scope(p, platforms, user_ids)
        return await self._conn.fetch(
            f"UPDATE reminders SET status = 'claimed', claimed_at = {p(stamp)}, "
            "attempts = attempts + 1 WHERE id IN ("
            f"SELECT r.id FROM reminders r JOIN users u ON u.id = r.user_id WHERE {due} AND {scope} "
            f"ORDER BY r.due_at, r.id LIMIT {p(limit)} FOR UPDATE OF r SKIP LOCKED) "
            f"RETURNING {REMINDER_COLUMNS}",
            *p.values,
        )

    async def _give_up_expired(
        self, expired: datetime, max_attempts: int, platforms: list[str], user_ids: list[int] | None
    ) -> None:
        """Mark as failed the expired claims that already used up their attempts."""
        p = Params()
        condition = (
            f"r.status = 'claimed' AND r.claimed_at <= {p(expired)} "
            f"AND r.attempts >= {p(max_attempts)} AND {reminder_scope(p, platforms, user_ids)}"
        )
        await self._conn.execute(
            "UPDATE reminders SET status = 'failed' WHERE id IN ("
            f"SELECT r.id FROM reminders r JOIN users u ON u.id = r.user_id WHERE {condition} "
            "FOR UPDATE OF r SKIP LOCKED)",
            *p.values,
        )

    async def _enqueue_rows(self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime) -> Rows:
        return await self._conn.fetch(
            "INSERT INTO outbox (platform, chat_id, reply, created_at, due_at) "
            "SELECT $1, $2, r.reply::json, $4, $4 FROM unnest($3::text[]) WITH ORDINALITY AS r (reply, n) "
            "ORDER BY r.n RETURNING id",
            platform, chat_id, [encode_json(r) for r in replies], utc(at),
        )

    async def _enqueue_held_rows(
        self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime, hold_until: datetime
    ) -> Rows:
        """The EXISTS reads the statement's snapshot, without the rows it inserts."""
        return await self._conn.fetch(
            "INSERT INTO outbox (platform, chat_id, reply, created_at, due_at, attempts) "
            "SELECT $1, $2, r.reply::json, $4::timestamptz, CASE WHEN q.busy THEN $4::timestamptz ELSE $5::timestamptz END, CASE WHEN q.busy THEN 0 ELSE 1 END "
            "FROM (SELECT EXISTS (SELECT 1 FROM outbox WHERE platform = $1 AND chat_id = $2) AS busy) AS q, "
            "unnest($3::text[]) WITH ORDINALITY AS r (reply, n) ORDER BY r.n RETURNING id, attempts",
            platform, chat_id, [encode_json(r) for r in replies], utc(at), utc(hold_until),
        )
