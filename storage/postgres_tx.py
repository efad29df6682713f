"""The write side of the PostgreSQL store: every method runs inside one open transaction.

The store hands each transaction its own pooled connection, so transactions of different
coroutines (and processes) run side by side at READ COMMITTED; every write is a single statement
whose conflicts PostgreSQL resolves by row locks (ON CONFLICT, the claim's SKIP LOCKED). As in
PostgreSQL generally, a statement that fails aborts the whole transaction: after an error, such as
the LookupError for a missing case, the block can only end, and it rolls back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import asyncpg

from storage.codec import encode_json, utc
from storage.lifecycle import FinishableTx
from storage.postgres_sql import ROWS, Params, reminder_scope, rows_affected
from storage.protocols import (
    InboundUpdate,
    JournaledUpdate,
    NewEvidence,
    NewReminder,
    OutboxRow,
    ReminderRow,
    SessionConflict,
    User,
)
from storage.rows import (
    JOURNAL_COLUMNS,
    OUTBOX_COLUMNS,
    REMINDER_COLUMNS,
    TIME_CASE_COLUMNS,
    UPDATABLE_CASE_COLUMNS,
    USER_COLUMNS,
    check_finished_state,
    check_sha256,
)

_INSERT_USER = (
    "INSERT INTO users (platform, external_id, lang, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (platform, external_id) DO NOTHING"
)
_SELECT_USER = f"SELECT {USER_COLUMNS} FROM users WHERE platform = $1 AND external_id = $2"
_SAVE_SESSION = (
    "INSERT INTO sessions (user_id, state, updated_at, version) VALUES ($1, $2, $3, 1) "
    "ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, "
    "version = sessions.version + 1"
)
# A save that read version N: insert when there was no row (N = 0), else update only if still N.
# At READ COMMITTED a concurrent save holds the row lock; this one waits, then checks the version
# again on the row as committed, so of two saves from version N only the first succeeds.
_SAVE_FIRST_SESSION = _SAVE_SESSION + " WHERE sessions.version = 0 RETURNING version"
_SAVE_SESSION_VERSION = (
    "UPDATE sessions SET state = $2, updated_at = $3, version = version + 1 "
    "WHERE user_id = $1 AND version = $4 RETURNING version"
)
_SAVE_ANSWER = (
    "INSERT INTO answers (case_id, step_id, value, answered_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (case_id, step_id) DO UPDATE "
    "SET value = excluded.value, answered_at = excluded.answered_at"
)
_INSERT_EVIDENCE = (
    "INSERT INTO evidence (case_id, sha256, kind, mime, size, filename, stored_path, caption, "
    "origin, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "ON CONFLICT (case_id, sha256) DO NOTHING RETURNING id"
)
_MARK_PROCESSED = (
    "INSERT INTO processed_updates (platform, update_id, at) VALUES ($1, $2, $3) "
    "ON CONFLICT (platform, update_id) DO NOTHING"
)
# One statement for a whole batch: the rows come in as parallel arrays.
_JOURNAL_UPDATES = (
    "INSERT INTO update_journal (platform, update_id, chat_id, payload, received_at) "
    "SELECT $1, u.update_id, u.chat_id, u.payload::json, $5 "
    "FROM unnest($2::bigint[], $3::text[], $4::text[]) AS u (update_id, chat_id, payload) "
    "ON CONFLICT (platform, update_id) DO NOTHING"
)
_INSERT_REMINDER = (
    "INSERT INTO reminders (case_id, user_id, kind, due_at, sched_at, data, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
)


@contextmanager
def _parent_must_exist(what: str, key: object) -> Iterator[None]:
    """Turn a foreign-key failure into the LookupError the contract promises."""
    try:
        yield
    except asyncpg.ForeignKeyViolationError as exc:
        raise LookupError(f"no {what} {key}") from exc


class PostgresTx(FinishableTx[asyncpg.Connection]):
    """Writes of one transaction on its pooled connection; dead once the block exits."""

    async def _count(self, sql: str, *args: Any) -> int:
        """Run one write and return how many rows it changed."""
        return rows_affected(await self._conn.execute(sql, *args))

    async def get_or_create_user(
        self, platform: str, external_id: str, lang: str, at: datetime
    ) -> User:
        """Return the user, creating it with `lang` if new (an existing user's lang is kept)."""
        key = (platform, str(external_id))
        await self._conn.execute(_INSERT_USER, *key, lang, utc(at))
        return ROWS.user(await self._conn.fetchrow(_SELECT_USER, *key))

    async def set_user_lang(self, user_id: int, lang: str) -> None:
        """Change the language of the bot's messages to this user."""
        if not await self._count("UPDATE users SET lang = $1 WHERE id = $2", lang, user_id):
            raise LookupError(f"no user {user_id}")

    async def set_user_timezone(self, user_id: int, tz: str | None) -> None:
        """Record the user's IANA time zone (None: unknown, fall back to the jurisdiction's)."""
        if not await self._count("UPDATE users SET timezone = $1 WHERE id = $2", tz, user_id):
            raise LookupError(f"no user {user_id}")

    async def save_session(
        self, user_id: int, state: dict[str, Any], at: datetime, expected_version: int | None = None
    ) -> int:
        """Replace the user's conversation state; with `expected_version`, only if nobody saved since."""
        args = (user_id, encode_json(state), utc(at))
        with _parent_must_exist("user", user_id):
            if expected_version is None:
                version = await self._conn.fetchval(_SAVE_SESSION + " RETURNING version", *args)
            elif expected_version == 0:
                version = await self._conn.fetchval(_SAVE_FIRST_SESSION, *args)
            else:
                version = await self._conn.fetchval(_SAVE_SESSION_VERSION, *args, expected_version)
        if version is None:
            raise SessionConflict(f"session of user {user_id} changed since version {expected_version}")
        return int(version)

    async def create_case(
        self, user_id: int, at: datetime, jurisdiction: str | None = None
    ) -> int:
        """Open a new case in status 'draft' and return its id."""
        stamp = utc(at)
        with _parent_must_exist("user", user_id):
            return await self._conn.fetchval(
                "INSERT INTO cases (user_id, jurisdiction, created_at, updated_at) "
                "VALUES ($1, $2, $3, $3) RETURNING id",
                user_id, jurisdiction, stamp,
            )

    async def update_case(self, case_id: int, at: datetime, **fields: Any) -> None:
        """Set some of status/jurisdiction/issue_type/channel/reference/filed_at/draft."""
        unknown = set(fields) - UPDATABLE_CASE_COLUMNS
        if unknown:
            raise ValueError(f"update_case cannot set {sorted(unknown)}")
        values = {
            c: utc(v) if c in TIME_CASE_COLUMNS and v is not None else v for c, v in fields.items()
        }
        p = Params()
        # Column names come from the whitelist above, never from the caller's text.
        assignments = "".join(f"{c} = {p(values[c])}, " for c in sorted(values))
        sql = f"UPDATE cases SET {assignments}updated_at = {p(utc(at))} WHERE id = {p(case_id)}"
        if not await self._count(sql, *p.values):
            raise LookupError(f"no case {case_id}")

    async def save_answer(self, case_id: int, step_id: str, value: Any, at: datetime) -> None:
        """Store (or replace) the JSON value answered at a step of the case's flow."""
        args = (case_id, step_id, encode_json(value), utc(at))
        with _parent_must_exist("case", case_id):
            await self._conn.execute(_SAVE_ANSWER, *args)

    async def add_evidence(
        self, case_id: int, record: NewEvidence, at: datetime
    ) -> tuple[int, bool]:
        """Attach a file to a case; the same sha256 twice gives one row. Returns (id, created)."""
        check_sha256(record.sha256)
        origin = None if record.origin is None else encode_json(record.origin)
        args = (case_id, record.sha256, record.kind, record.mime, record.size, record.filename,
                record.stored_path, record.caption, origin, utc(at))
        with _parent_must_exist("case", case_id):
            new_id = await self._conn.fetchval(_INSERT_EVIDENCE, *args)
        if new_id is not None:
            return new_id, True
        existing = await self._conn.fetchval(
            "SELECT id FROM evidence WHERE case_id = $1 AND sha256 = $2", case_id, record.sha256
        )
        return existing, False

    async def add_event(
        self, case_id: int, kind: str, data: dict[str, Any], at: datetime
    ) -> int:
        """Append to the case's history and return the event id."""
        args = (case_id, utc(at), kind, encode_json(data))
        with _parent_must_exist("case", case_id):
            return await self._conn.fetchval(
                "INSERT INTO case_events (case_id, at, kind, data) VALUES ($1, $2, $3, $4) "
                "RETURNING id",
                *args,
            )

    async def mark_processed(self, platform: str, update_id: int | str, at: datetime) -> bool:
        """Claim a platform update id; False means it was applied before and must be skipped."""
        return await self._count(_MARK_PROCESSED, platform, str(update_id), utc(at)) == 1

    async def prune_processed(self, before: datetime) -> int:
        """Forget update ids claimed before `before` (platforms stop redelivering after a day)."""
        return await self._count("DELETE FROM processed_updates WHERE at < $1", utc(before))

    async def delete_case(self, case_id: int) -> list[str]:
        """Delete a case with its answers, evidence, events and reminders; return files nobody else uses."""
        rows = await self._conn.fetch(
            "DELETE FROM evidence WHERE case_id = $1 RETURNING stored_path", case_id
        )
        # Answers, events and reminders go by ON DELETE CASCADE.
        await self._conn.execute("DELETE FROM cases WHERE id = $1", case_id)
        return await self._unreferenced(row[0] for row in rows)

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

    async def forget_chat_updates(
        self, platform: str, chat_id: str, up_to: int | None = None
    ) -> int:
        """Drop one chat's journaled updates (those up to `up_to` only, if given), for /delete."""
        p = Params()
        sql = f"DELETE FROM update_journal WHERE platform = {p(platform)} AND chat_id = {p(str(chat_id))}"
        if up_to is not None:
            sql += f" AND update_id <= {p(up_to)}"
        return await self._count(sql, *p.values)

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
        return sorted((ROWS.journaled(row) for row in rows), key=lambda u: u.update_id)

    async def prune_journal(self, before: datetime) -> int:
        """Drop journaled updates received before `before`, whatever became of them."""
        return await self._count("DELETE FROM update_journal WHERE received_at < $1", utc(before))

    async def add_reminder(self, reminder: NewReminder, at: datetime) -> int:
        """Schedule a reminder; it starts 'pending' and becomes due at `reminder.due_at`."""
        args = (reminder.case_id, reminder.user_id, reminder.kind, utc(reminder.due_at),
                utc(reminder.sched_at), encode_json(reminder.data), utc(at))
        with _parent_must_exist("case or user", reminder.case_id):
            return await self._conn.fetchval(_INSERT_REMINDER, *args)

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
        return sorted((ROWS.reminder(row) for row in rows), key=lambda r: (r.due_at, r.id))

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

    async def finish_reminder(self, reminder_id: int, status: str, at: datetime) -> bool:
        """Close a claimed reminder as sent, failed or cancelled; False if it was not claimed."""
        check_finished_state(status)
        column = "sent_at" if status == "sent" else "closed_at"
        return await self._count(
            f"UPDATE reminders SET status = $1, {column} = $2 WHERE id = $3 AND status = 'claimed'",
            status, utc(at), reminder_id,
        ) == 1

    async def defer_reminder(self, reminder_id: int, due_at: datetime, sched_at: datetime) -> bool:
        """Give a claimed reminder back as pending with a later due time (quiet hours, a retry)."""
        return await self._count(
            "UPDATE reminders SET status = 'pending', due_at = $1, sched_at = $2, claimed_at = NULL "
            "WHERE id = $3 AND status = 'claimed'",
            utc(due_at), utc(sched_at), reminder_id,
        ) == 1

    async def answer_reminder(self, reminder_id: int, at: datetime) -> bool:
        """Record the person's answer to a delivered reminder; False if it was answered before.

        A claimed row counts as delivered too: the loop may have sent it and not yet marked it.
        """
        return await self._count(
            "UPDATE reminders SET status = 'answered', closed_at = $1 "
            "WHERE id = $2 AND status IN ('sent', 'claimed')",
            utc(at), reminder_id,
        ) == 1

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
        p = Params()
        key = f"platform = {p(platform)} AND chat_id = {p(str(chat_id))}"
        stamp = p(utc(now))
        sql = (
            f"UPDATE outbox SET due_at = {p(utc(hold_until))}, attempts = attempts + 1 "
            f"WHERE {key} AND due_at <= {stamp} AND id < coalesce(("
            f"SELECT min(id) FROM outbox WHERE {key} AND due_at > {stamp}), 9223372036854775807)"
        )
        if ids is not None:
            if not ids:
                return []
            sql += f" AND id = ANY({p(sorted(set(ids)))}::bigint[])"
        rows = await self._conn.fetch(f"{sql} RETURNING {OUTBOX_COLUMNS}", *p.values)
        return sorted((ROWS.outbox(row) for row in rows), key=lambda r: r.id)

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

    async def release_outbox(self, platform: str, now: datetime, chat_id: str | None = None) -> int:
        """Make every held or deferred row of the platform (or one chat) due now."""
        p = Params()
        stamp = p(utc(now))
        sql = f"UPDATE outbox SET due_at = {stamp} WHERE platform = {p(platform)} AND due_at > {stamp}"
        if chat_id is not None:
            sql += f" AND chat_id = {p(str(chat_id))}"
        return await self._count(sql, *p.values)

    async def forget_chat_outbox(self, platform: str, chat_id: str) -> int:
        """Drop every reply still queued for the chat, for /delete."""
        return await self._count(
            "DELETE FROM outbox WHERE platform = $1 AND chat_id = $2", platform, str(chat_id)
        )
