"""The write side of the SQLite store: every method runs inside one open transaction.

The writer connection uses sqlite3's implicit transactions with isolation_level "IMMEDIATE":
the module issues BEGIN IMMEDIATE in the same call as the first INSERT/UPDATE/DELETE, so the
write lock is taken at the first write. Every write statement here therefore starts with INSERT,
UPDATE or DELETE; a statement opening with WITH would run outside the transaction.

Statements run on the event loop, the commit on the connection's thread (storage/sqlite_conn.py);
those over an unbounded number of rows go to the thread too (`_on_thread`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from storage.codec import encode_json, encode_time
from storage.protocols import InboundUpdate, JournaledUpdate
from storage.sql_tx import Rows, SqlTx
from storage.sqlite_conn import SqliteConn
from storage.sqlite_rows import JOURNAL_COLUMNS, REMINDER_COLUMNS
from storage.sqlite_rows import ROWS as SQLITE_ROWS
from storage.statements import SQLITE

_JOURNAL_UPDATE = (
    "INSERT INTO update_journal (platform, update_id, chat_id, payload, received_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, update_id) DO NOTHING"
)


def _marks(values: Sequence[Any]) -> str:
    """One `?` a value, for an IN list."""
    return ", ".join("?" * len(values))


class SqliteTx(SqlTx[SqliteConn]):
    """Writes of one transaction on the store's writer connection; dead once the block exits.

    The writes both stores make alike are in storage/sql_tx.py; here are SQLite's own statements.
    """

    SQL = SQLITE
    ROWS = SQLITE_ROWS
    _bulk = False  # True while a statement over unbounded rows runs (`_on_thread`)

    def _time(self, at: datetime) -> str:
        return encode_time(at)

    def _missing_parent(self, exc: Exception) -> bool:
        return isinstance(exc, sqlite3.IntegrityError) and "FOREIGN KEY" in str(exc)

    def _numbered(self, sql: str) -> str:
        return sql

    def _one_of(self, column: str, values: Sequence[Any], sqltype: str) -> tuple[str, list[Any]]:
        return f"{column} IN ({_marks(values)})", list(values)

    async def _count(self, sql: str, *args: Any) -> int:
        return await self._conn.count(sql, args, waits=self._bulk)

    async def _value(self, sql: str, *args: Any) -> Any:
        rows = await self._conn.rows(sql, args, waits=self._bulk)
        return rows[0][0] if rows else None

    async def _rows(self, sql: str, *args: Any) -> Rows:
        return await self._conn.rows(sql, args, waits=self._bulk)

    @contextmanager
    def _on_thread(self) -> Iterator[None]:
        """Statements over an unbounded number of rows run on the connection's thread, not the loop
        (storage/sqlite_conn.py): pruning, claims of what a stop left, erasing a case or a chat."""
        self._bulk = True
        try:
            yield
        finally:
            self._bulk = False

    async def prune_processed(self, before: datetime) -> int:
        with self._on_thread():
            return await super().prune_processed(before)

    async def prune_journal(self, before: datetime) -> int:
        with self._on_thread():
            return await super().prune_journal(before)

    async def claim_journal(
        self,
        platform: str,
        at: datetime | None = None,
        *,
        claimed_before: datetime | None = None,
        received_before: datetime | None = None,
    ) -> list[JournaledUpdate]:
        with self._on_thread():
            return await super().claim_journal(
                platform, at, claimed_before=claimed_before, received_before=received_before
            )

    async def delete_case(self, case_id: int) -> list[str]:
        with self._on_thread():
            return await super().delete_case(case_id)

    async def forget_chat_updates(self, platform: str, chat_id: str, up_to: int | None = None) -> int:
        with self._on_thread():
            return await super().forget_chat_updates(platform, chat_id, up_to)

    async def forget_chat_outbox(self, platform: str, chat_id: str) -> int:
        with self._on_thread():
            return await super().forget_chat_outbox(platform, chat_id)

    async def release_outbox(self, platform: str, now: datetime, chat_id: str | None = None) -> int:
        with self._on_thread():
            return await super().release_outbox(platform, now, chat_id)

    async def _journal_rows(self, platform: str, updates: Sequence[InboundUpdate], at: datetime) -> int:
        stamp = encode_time(at)
        rows = [(platform, u.update_id, u.chat_id, encode_json(u.payload), stamp) for u in updates]
        return await self._conn.many(_JOURNAL_UPDATE, rows)

    async def _claim_journal_rows(
        self, platform: str, at: datetime | None, claimed_before: datetime | None, received_before: datetime | None
    ) -> Rows:
        stamp = "claimed_at" if at is None else "?"
        params: tuple[Any, ...] = (platform,) if at is None else (encode_time(at), platform)
        condition = "platform = ?"
        if claimed_before is not None:
            condition += " AND (claimed_at IS NULL OR claimed_at < ?)"
            params += (encode_time(claimed_before),)
        if received_before is not None:
            condition += " AND received_at < ?"
            params += (encode_time(received_before),)
        return await self._rows(
            f"UPDATE update_journal SET attempts = attempts + 1, claimed_at = {stamp} WHERE {condition} "
            f"RETURNING {JOURNAL_COLUMNS}",
            *params,
        )

    async def _claim_reminder_rows(
        self, now: datetime, limit: int, platforms: list[str], expired: datetime | None, max_attempts: int,
        user_ids: list[int] | None,
    ) -> Rows:
        stamp = encode_time(now)
        scope = f"u.platform IN ({_marks(platforms)})"
        scope_params: list[Any] = list(platforms)
        if user_ids is not None:
            scope += f" AND r.user_id IN ({_marks(user_ids)})"
            scope_params += user_ids
        # One index-ordered arm per kind of due row, so LIMIT stops each after `limit` rows
        # instead of sorting every due row (an OR of the two would).
        arm = (
            "SELECT * FROM (SELECT r.id, r.due_at FROM reminders r JOIN users u ON u.id = r.user_id "
            f"WHERE {{}} AND {scope} ORDER BY r.due_at, r.id LIMIT ?)"
        )
        arms = [arm.format("r.status = 'pending' AND r.due_at <= ?")]
        params: list[Any] = [stamp, *scope_params, limit]
        if expired is not None:
            lease = encode_time(expired)
            await self._count(
                "UPDATE reminders SET status = 'failed' WHERE status = 'claimed' "
                "AND claimed_at <= ? AND attempts >= ? AND id IN ("
                "SELECT r.id FROM reminders r JOIN users u ON u.id = r.user_id "
                f"WHERE r.status = 'claimed' AND {scope})",
                lease, max_attempts, *scope_params,
            )
            arms.append(arm.format("r.status = 'claimed' AND r.claimed_at <= ?"))
            params += [lease, *scope_params, limit]
        return await self._rows(
            "UPDATE reminders SET status = 'claimed', claimed_at = ?, attempts = attempts + 1 "
            f"WHERE id IN (SELECT id FROM ({' UNION ALL '.join(arms)}) ORDER BY due_at, id LIMIT ?) "
            f"RETURNING {REMINDER_COLUMNS}",
            stamp, *params, limit,
        )

    async def _enqueue_rows(self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime) -> Rows:
        stamp = encode_time(at)
        ids = []
        for reply in replies:
            ids.append((await self._conn.insert(
                "INSERT INTO outbox (platform, chat_id, reply, created_at, due_at) VALUES (?, ?, ?, ?, ?)",
                (platform, chat_id, encode_json(reply), stamp, stamp),
            ),))
        return ids

    async def _enqueue_held_rows(
        self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime, hold_until: datetime
    ) -> Rows:
        """One statement for all of them (SQLite computes the SELECT, the EXISTS included, before it
        inserts a row, as it does whenever an INSERT reads its own table)."""
        values = ", ".join("(?, ?)" for _ in replies)
        stamp = encode_time(at)
        params: list[Any] = [platform, chat_id, stamp, stamp, encode_time(hold_until), platform, chat_id]
        for n, reply in enumerate(replies):
            params += [n, encode_json(reply)]
        return await self._rows(
            "INSERT INTO outbox (platform, chat_id, reply, created_at, due_at, attempts) "
            "SELECT ?, ?, r.column2, ?, CASE WHEN q.busy THEN ? ELSE ? END, CASE WHEN q.busy THEN 0 ELSE 1 END "
            "FROM (SELECT EXISTS (SELECT 1 FROM outbox WHERE platform = ? AND chat_id = ?) AS busy) AS q, "
            f"(VALUES {values}) AS r ORDER BY r.column1 RETURNING id, attempts",
            *params,
        )
