"""The write side of the PostgreSQL store: every method runs inside one open transaction.

The store hands each transaction its own pooled connection, so transactions of different
coroutines (and processes) run side by side at READ COMMITTED; every write is a single statement
whose conflicts PostgreSQL resolves by row locks (ON CONFLICT, the claim's SKIP LOCKED). As in
PostgreSQL generally, a statement that fails aborts the whole transaction: after an error, such as
the LookupError for a missing case, the block can only end, and it rolls back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from storage.codec import encode_json, utc
from storage.postgres_sql import ROWS as POSTGRES_ROWS
from storage.postgres_sql import Params, reminder_scope, rows_affected
from storage.protocols import InboundUpdate, JournaledUpdate, OutboxRow, ReminderRow
from storage.rows import JOURNAL_COLUMNS, OUTBOX_COLUMNS, REMINDER_COLUMNS
from storage.sql_tx import SqlTx
from storage.statements import POSTGRES, SQLITE, numbered

# One statement for a whole batch: the rows come in as parallel arrays.
_JOURNAL_UPDATES = (
    "INSERT INTO update_journal (platform, update_id, chat_id, payload, received_at) "
    "SELECT $1, u.update_id, u.chat_id, u.payload::json, $5 "
    "FROM unnest($2::bigint[], $3::text[], $4::text[]) AS u (update_id, chat_id, payload) "
    "ON CONFLICT (platform, update_id) DO NOTHING"
)
_CLAIM_OUTBOX_IDS = numbered(SQLITE.claim_outbox + " AND id = ANY(?::bigint[])")


class PostgresTx(SqlTx[asyncpg.Connection]):
    """Writes of one transaction on its pooled connection; dead once the block exits.

    The writes both stores make alike are in storage/sql_tx.py; here are PostgreSQL's own.
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

    async def _rows(self, sql: str, *args: Any) -> Sequence[Sequence[Any]]:
        return await self._conn.fetch(sql, *args)

    async def _unreferenced(self, paths: Iterable[str]) -> list[str]:
        """The subset of paths that no evidence row points at any more."""
        candidates = sorted(set(paths))
        if not candidates:
            return []
        rows = await self._conn.fetch(
            "SELECT DISTINCT stored_path FROM evidence WHERE stored_path = ANY($1::text[])",
            candidates,
        )
        still_used = {row[0] for row in rows}
        return [p for p in candidates if p not in still_used]

    async def journal_updates(
        self, platform: str, updates: Sequence[InboundUpdate], at: datetime
    ) -> int:
        """Keep these updates until they are forgotten; returns how many were not there yet."""
        if not updates:
            return 0
        return await self._count(
            _JOURNAL_UPDATES,
            platform,
            [u.update_id for u in updates],
            [u.chat_id for u in updates],
            [encode_json(u.payload) for u in updates],
            utc(at),
        )

    async def forget_updates(self, platform: str, update_ids: Collection[int]) -> int:
        """Drop handled updates from the journal; returns how many rows went."""
        if not update_ids:
            return 0
        return await self._count(
            "DELETE FROM update_journal WHERE platform = $1 AND update_id = ANY($2::bigint[])",
            platform, sorted(set(update_ids)),
        )

    async def claim_journal(
        self,
        platform: str,
        at: datetime | None = None,
        *,
        claimed_before: datetime | None = None,
        received_before: datetime | None = None,
    ) -> list[JournaledUpdate]:
        """Count one more replay for the platform's unclaimed rows and stamp them; return them in update order.

        Safe when several processes start at once: rows another transaction is claiming are
        skipped (FOR UPDATE SKIP LOCKED), and rows it claimed are left alone until the lease
        (`claimed_before`) runs out.
        """
        p = Params()
        stamp = "claimed_at" if at is None else p(utc(at))
        condition = f"platform = {p(platform)}"
        if claimed_before is not None:
            condition += f" AND (claimed_at IS NULL OR claimed_at < {p(utc(claimed_before))})"
        if received_before is not None:
            condition += f" AND received_at < {p(utc(received_before))}"
        rows = await self._conn.fetch(
            f"UPDATE update_journal SET attempts = attempts + 1, claimed_at = {stamp} "
            f"WHERE (platform, update_id) IN (SELECT platform, update_id FROM update_journal WHERE {condition} "
            f"FOR UPDATE SKIP LOCKED) RETURNING {JOURNAL_COLUMNS}",
            *p.values,
        )
        return sorted((POSTGRES_ROWS.journaled(row) for row in rows), key=lambda u: u.update_id)

    async def cancel_reminders(
        self, case_id: int, at: datetime, kinds: Collection[str] | None = None
    ) -> int:
        """Cancel the case's pending reminders (of some kinds only, if given); returns how many.

        Claimed rows are left alone: they are being sent right now, and the answer to a
        reminder that arrives after its case moved on is refused as stale anyway.
        """
        p = Params()
        sql = (
            f"UPDATE reminders SET status = 'cancelled', closed_at = {p(utc(at))} "
            f"WHERE case_id = {p(case_id)} AND status = 'pending'"
        )
        if kinds is not None:
            if not kinds:
                return 0
            sql += f" AND kind = ANY({p(sorted(kinds))}::text[])"
        return await self._count(sql, *p.values)

    async def claim_reminders(
        self,
        now: datetime,
        limit: int,
        platforms: Collection[str],
        *,
        lease_expired_before: datetime | None = None,
        max_attempts: int = 5,
        user_ids: Collection[int] | None = None,
    ) -> list[ReminderRow]:
        """Atomically take up to `limit` due reminders of users on `platforms`, oldest first.

        Due means pending with due_at <= now, or (with a lease) claimed before
        `lease_expired_before` by a process that never finished it. A claim that expired
        `max_attempts` times is given up as failed rather than retried for ever.

        Safe across processes: the rows are chosen with FOR UPDATE SKIP LOCKED inside the
        claiming UPDATE, so a row another transaction is claiming is skipped, not waited for,
        and a row it has claimed no longer matches once its lock is released (PostgreSQL
        checks the condition again on the newest version). No row is claimed twice.
        """
        if limit <= 0 or not platforms or (user_ids is not None and not user_ids):
            return []
        stamp = utc(now)
        if lease_expired_before is not None:
            await self._give_up_expired(utc(lease_expired_before), max_attempts, platforms, user_ids)
        p = Params()
        due = f"(r.status = 'pending' AND r.due_at <= {p(stamp)})"
        if lease_expired_before is not None:
            due = f"({due} OR (r.status = 'claimed' AND r.claimed_at <= {p(utc(lease_expired_before))}))"
        scope = reminder_scope(p, platforms, user_ids)
        rows = await self._conn.fetch(
            f"UPDATE reminders SET status = 'claimed', claimed_at = {p(stamp)}, "
            "attempts = attempts + 1 WHERE id IN ("
            f"SELECT r.id FROM reminders r JOIN users u ON u.id = r.user_id WHERE {due} AND {scope} "
            f"ORDER BY r.due_at, r.id LIMIT {p(limit)} FOR UPDATE OF r SKIP LOCKED) "
            f"RETURNING {REMINDER_COLUMNS}",
            *p.values,
        )
        # RETURNING gives no order guarantee; the loop sends the oldest first.
        return sorted((POSTGRES_ROWS.reminder(row) for row in rows), key=lambda r: (r.due_at, r.id))

    async def _give_up_expired(
        self,
        expired: datetime,
        max_attempts: int,
        platforms: Collection[str],
        user_ids: Collection[int] | None,
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

    async def enqueue_replies(
        self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime
    ) -> list[int]:
        """Queue replies for a chat, due at once; returns their ids in order."""
        if not replies:
            return []
        rows = await self._conn.fetch(
            "INSERT INTO outbox (platform, chat_id, reply, created_at, due_at) "
            "SELECT $1, $2, r.reply::json, $4, $4 FROM unnest($3::text[]) WITH ORDINALITY AS r (reply, n) "
            "ORDER BY r.n RETURNING id",
            platform, str(chat_id), [encode_json(r) for r in replies], utc(at),
        )
        return sorted(row[0] for row in rows)

    async def enqueue_held(
        self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime, hold_until: datetime
    ) -> tuple[list[int], bool]:
        """Queue replies the caller sends at once: claimed here when the chat has nothing else queued
        (the EXISTS reads the statement's snapshot, without the rows it inserts)."""
        if not replies:
            return [], False
        rows = await self._conn.fetch(
            "INSERT INTO outbox (platform, chat_id, reply, created_at, due_at, attempts) "
            "SELECT $1, $2, r.reply::json, $4::timestamptz, CASE WHEN q.busy THEN $4::timestamptz ELSE $5::timestamptz END, CASE WHEN q.busy THEN 0 ELSE 1 END "
            "FROM (SELECT EXISTS (SELECT 1 FROM outbox WHERE platform = $1 AND chat_id = $2) AS busy) AS q, "
            "unnest($3::text[]) WITH ORDINALITY AS r (reply, n) ORDER BY r.n RETURNING id, attempts",
            platform, str(chat_id), [encode_json(r) for r in replies], utc(at), utc(hold_until),
        )
        ordered = sorted((row[0], row[1]) for row in rows)
        return [i for i, _ in ordered], bool(ordered[0][1])

    async def claim_outbox(
        self,
        platform: str,
        chat_id: str,
        now: datetime,
        hold_until: datetime,
        ids: Collection[int] | None = None,
    ) -> list[OutboxRow]:
        """Take the chat's due rows in order up to the first that is not due; hold them until `hold_until`.

        Two processes claiming at once: the second waits for the first's row locks, then finds the
        rows no longer due (PostgreSQL checks due_at again on the committed row), so none is sent twice.
        """
        stamp, chat = utc(now), str(chat_id)
        args: list[Any] = [utc(hold_until), platform, chat, stamp, platform, chat, stamp]
        sql = POSTGRES.claim_outbox
        if ids is not None:
            if not ids:
                return []
            sql = _CLAIM_OUTBOX_IDS
            args.append(sorted(set(ids)))
        rows = await self._conn.fetch(f"{sql} RETURNING {OUTBOX_COLUMNS}", *args)
        return sorted((POSTGRES_ROWS.outbox(row) for row in rows), key=lambda r: r.id)

    async def outbox_sent(self, ids: Collection[int]) -> int:
        """Sent (or given up): the rows go."""
        if not ids:
            return 0
        return await self._count("DELETE FROM outbox WHERE id = ANY($1::bigint[])", sorted(set(ids)))

    async def defer_outbox(self, ids: Collection[int], due_at: datetime) -> int:
        """Try these rows again at `due_at`."""
        if not ids:
            return 0
        return await self._count(
            "UPDATE outbox SET due_at = $1 WHERE id = ANY($2::bigint[])", utc(due_at), sorted(set(ids))
        )

