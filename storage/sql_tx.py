"""The writes both stores make the same way, written once.

A backend's transaction says how to run one statement (`_count`, `_value`, `_rows`), how a time is
written (`_time`), how its driver reports a missing parent row (`_missing_parent`), how a column is
matched against a list (`_one_of`) and which statements it runs (`SQL`, storage/statements.py);
everything here is then the same on both. Where the statement itself really differs (PostgreSQL's
arrays and SKIP LOCKED claims, SQLite's batches), the public method is still here, with its
contract, guards and decoding, and the backend supplies only the statement (the `_…_rows` hooks in
sqlite_tx.py and postgres_tx.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, ClassVar

from storage.codec import encode_json
from storage.lifecycle import Conn, FinishableTx
from storage.protocols import InboundUpdate, JournaledUpdate, NewEvidence, NewReminder, OutboxRow, ReminderRow
from storage.protocols import SessionConflict, User
from storage.rows import (
    OUTBOX_COLUMNS,
    TIME_CASE_COLUMNS,
    UPDATABLE_CASE_COLUMNS,
    RowDecoder,
    check_finished_state,
    check_sha256,
)
from storage.statements import SQLITE, Statements

Rows = Sequence[Sequence[Any]]


class SqlTx(FinishableTx[Conn]):
    """Writes of one transaction; dead once the block exits."""

    SQL: ClassVar[Statements]
    ROWS: ClassVar[RowDecoder]

    # --- what each backend supplies ------------------------------------------------------------

    def _time(self, at: datetime) -> Any:
        """A time as the driver takes it."""
        raise NotImplementedError

    def _missing_parent(self, exc: Exception) -> bool:
        """Whether `exc` is the driver's foreign-key failure."""
        raise NotImplementedError

    def _numbered(self, sql: str) -> str:
        """A statement built here with `?` placeholders, as the driver takes it."""
        raise NotImplementedError

    async def _count(self, sql: str, *args: Any) -> int:
        """Run one write and return how many rows it changed."""
        raise NotImplementedError

    async def _value(self, sql: str, *args: Any) -> Any:
        """The first column of the first row the statement returns (None for no row)."""
        raise NotImplementedError

    async def _rows(self, sql: str, *args: Any) -> Sequence[Sequence[Any]]:
        """Every row the statement returns."""
        raise NotImplementedError

    def _one_of(self, column: str, values: Sequence[Any], sqltype: str) -> tuple[str, list[Any]]:
        """The condition that `column` is one of `values` (not empty), with `?` placeholders, and its
        arguments; `sqltype` names the values' SQL type for a driver that takes them as one array."""
        raise NotImplementedError

    async def _journal_rows(self, platform: str, updates: Sequence[InboundUpdate], at: datetime) -> int:
        """Insert the updates (not empty) that are not journaled yet; how many were new."""
        raise NotImplementedError

    async def _claim_journal_rows(
        self, platform: str, at: datetime | None, claimed_before: datetime | None, received_before: datetime | None
    ) -> Rows:
        """The claiming UPDATE of `claim_journal`, returning JOURNAL_COLUMNS."""
        raise NotImplementedError

    async def _claim_reminder_rows(
        self, now: datetime, limit: int, platforms: list[str], expired: datetime | None, max_attempts: int,
        user_ids: list[int] | None,
    ) -> Rows:
        """The claiming UPDATE of `claim_reminders` (after its guards), returning REMINDER_COLUMNS."""
        raise NotImplementedError

    async def _enqueue_rows(self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime) -> Rows:
        """Insert the replies (not empty) due at once, returning their ids."""
        raise NotImplementedError

    async def _enqueue_held_rows(
        self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime, hold_until: datetime
    ) -> Rows:
        """The one INSERT of `enqueue_held` (replies not empty), returning (id, attempts) rows."""
        raise NotImplementedError

    async def _unreferenced(self, paths: Iterable[str]) -> list[str]:
        """The subset of paths that no evidence row points at any more."""
        candidates = sorted(set(paths))
        if not candidates:
            return []
        among, args = self._one_of("stored_path", candidates, "text")
        rows = await self._rows(self._numbered(f"SELECT DISTINCT stored_path FROM evidence WHERE {among}"), *args)
        still_used = {row[0] for row in rows}
        return [p for p in candidates if p not in still_used]

    @contextmanager
    def _parent_must_exist(self, what: str, key: object) -> Iterator[None]:
        """Turn a foreign-key failure into the LookupError the contract promises."""
        try:
            yield
        except Exception as exc:
            if self._missing_parent(exc):
                raise LookupError(f"no {what} {key}") from exc
            raise

    # --- users and sessions --------------------------------------------------------------------

    async def get_or_create_user(self, platform: str, external_id: str, lang: str, at: datetime) -> User:
        """Return the user, creating it with `lang` if new (an existing user's lang is kept)."""
        key = (platform, str(external_id))
        await self._count(self.SQL.insert_user, *key, lang, self._time(at))
        return self.ROWS.user((await self._rows(self.SQL.user_by_key, *key))[0])

    async def set_user_lang(self, user_id: int, lang: str) -> None:
        """Change the language of the bot's messages to this user."""
        if not await self._count(self.SQL.set_user_lang, lang, user_id):
            raise LookupError(f"no user {user_id}")

    async def set_user_timezone(self, user_id: int, tz: str | None) -> None:
        """Record the user's IANA time zone (None: unknown, fall back to the jurisdiction's)."""
        if not await self._count(self.SQL.set_user_timezone, tz, user_id):
            raise LookupError(f"no user {user_id}")

    async def save_session(
        self, user_id: int, state: dict[str, Any], at: datetime, expected_version: int | None = None
    ) -> int:
        """Replace the user's conversation state; with `expected_version`, only if nobody saved since."""
        text, stamp = encode_json(state), self._time(at)
        with self._parent_must_exist("user", user_id):
            if expected_version is None:
                version = await self._value(self.SQL.save_session, user_id, text, stamp)
            elif expected_version == 0:
                version = await self._value(self.SQL.save_first_session, user_id, text, stamp)
            else:
                version = await self._value(self.SQL.save_session_version, text, stamp, user_id, expected_version)
        if version is None:
            raise SessionConflict(f"session of user {user_id} changed since version {expected_version}")
        return int(version)

    # --- cases, answers, evidence, events ------------------------------------------------------

    async def create_case(self, user_id: int, at: datetime, jurisdiction: str | None = None) -> int:
        """Open a new case in status 'draft' and return its id."""
        stamp = self._time(at)
        with self._parent_must_exist("user", user_id):
            return int(await self._value(self.SQL.insert_case, user_id, jurisdiction, stamp, stamp))

    async def update_case(self, case_id: int, at: datetime, **fields: Any) -> None:
        """Set some of status/jurisdiction/issue_type/channel/reference/filed_at/draft."""
        unknown = set(fields) - UPDATABLE_CASE_COLUMNS
        if unknown:
            raise ValueError(f"update_case cannot set {sorted(unknown)}")
        columns = sorted(fields)
        values = [
            self._time(fields[c]) if c in TIME_CASE_COLUMNS and fields[c] is not None else fields[c]
            for c in columns
        ]
        # Column names come from the whitelist above, never from the caller's text.
        assignments = "".join(f"{c} = ?, " for c in columns)
        sql = self._numbered(f"UPDATE cases SET {assignments}updated_at = ? WHERE id = ?")
        if not await self._count(sql, *values, self._time(at), case_id):
            raise LookupError(f"no case {case_id}")

    async def save_answer(self, case_id: int, step_id: str, value: Any, at: datetime) -> None:
        """Store (or replace) the JSON value answered at a step of the case's flow."""
        with self._parent_must_exist("case", case_id):
            await self._count(self.SQL.save_answer, case_id, step_id, encode_json(value), self._time(at))

    async def add_evidence(self, case_id: int, record: NewEvidence, at: datetime) -> tuple[int, bool]:
        """Attach a file to a case; the same sha256 twice gives one row. Returns (id, created)."""
        check_sha256(record.sha256)
        origin = None if record.origin is None else encode_json(record.origin)
        args = (case_id, record.sha256, record.kind, record.mime, record.size, record.filename,
                record.stored_path, record.caption, origin, self._time(at))
        with self._parent_must_exist("case", case_id):
            new_id = await self._value(self.SQL.insert_evidence, *args)
        if new_id is not None:
            return int(new_id), True
        return int(await self._value(self.SQL.evidence_id, case_id, record.sha256)), False

    async def add_event(self, case_id: int, kind: str, data: dict[str, Any], at: datetime) -> int:
        """Append to the case's history and return the event id."""
        with self._parent_must_exist("case", case_id):
            return int(await self._value(self.SQL.insert_event, case_id, self._time(at), kind, encode_json(data)))

    async def delete_case(self, case_id: int) -> list[str]:
        """Delete a case with its answers, evidence, events and reminders; return files nobody else uses."""
        rows = await self._rows(self.SQL.delete_case_evidence, case_id)
        # Answers, events and reminders go by ON DELETE CASCADE.
        await self._count(self.SQL.delete_case, case_id)
        return await self._unreferenced(row[0] for row in rows)

    # --- platform updates ----------------------------------------------------------------------

    async def mark_processed(self, platform: str, update_id: int | str, at: datetime) -> bool:
        """Claim a platform update id; False means it was applied before and must be skipped."""
        return await self._count(self.SQL.mark_processed, platform, str(update_id), self._time(at)) == 1

    async def prune_processed(self, before: datetime) -> int:
        """Forget update ids claimed before `before` (platforms stop redelivering after a day)."""
        return await self._count(self.SQL.prune_processed, self._time(before))

    async def journal_updates(self, platform: str, updates: Sequence[InboundUpdate], at: datetime) -> int:
        """Keep these updates until they are forgotten; returns how many were not there yet."""
        if not updates:
            return 0
        return await self._journal_rows(platform, updates, at)

    async def forget_updates(self, platform: str, update_ids: Collection[int]) -> int:
        """Drop handled updates from the journal; returns how many rows went."""
        ids = sorted(set(update_ids))
        if not ids:
            return 0
        among, args = self._one_of("update_id", ids, "bigint")
        return await self._count(self._numbered(f"DELETE FROM update_journal WHERE platform = ? AND {among}"), platform, *args)

    async def renew_journal(self, platform: str, update_ids: Collection[int], at: datetime) -> int:
        """Stamp updates this process still has in hand as claimed at `at`, so no sweep takes them."""
        ids = sorted(set(update_ids))
        if not ids:
            return 0
        among, args = self._one_of("update_id", ids, "bigint")
        sql = f"UPDATE update_journal SET claimed_at = ? WHERE platform = ? AND {among}"
        return await self._count(self._numbered(sql), self._time(at), platform, *args)

    async def claim_journal(
        self,
        platform: str,
        at: datetime | None = None,
        *,
        claimed_before: datetime | None = None,
        received_before: datetime | None = None,
    ) -> list[JournaledUpdate]:
        """Count one more replay for the platform's unclaimed rows and stamp them; return them in update order.

        On PostgreSQL this is safe when several processes start at once: rows another transaction
        is claiming are skipped (FOR UPDATE SKIP LOCKED), and rows it claimed are left alone until
        the lease (`claimed_before`) runs out.
        """
        rows = await self._claim_journal_rows(platform, at, claimed_before, received_before)
        return sorted((self.ROWS.journaled(row) for row in rows), key=lambda u: u.update_id)

    async def forget_chat_updates(self, platform: str, chat_id: str, up_to: int | None = None) -> int:
        """Drop one chat's journaled updates (those up to `up_to` only, if given), for /delete."""
        if up_to is None:
            return await self._count(self.SQL.forget_chat_updates, platform, str(chat_id))
        return await self._count(self.SQL.forget_chat_updates_up_to, platform, str(chat_id), up_to)

    async def prune_journal(self, before: datetime) -> int:
        """Drop journaled updates received before `before`, whatever became of them."""
        return await self._count(self.SQL.prune_journal, self._time(before))

    # --- reminders -----------------------------------------------------------------------------

    async def add_reminder(self, reminder: NewReminder, at: datetime) -> int:
        """Schedule a reminder; it starts 'pending' and becomes due at `reminder.due_at`."""
        args = (reminder.case_id, reminder.user_id, reminder.kind, self._time(reminder.due_at),
                self._time(reminder.sched_at), encode_json(reminder.data), self._time(at))
        with self._parent_must_exist("case or user", reminder.case_id):
            return int(await self._value(self.SQL.insert_reminder, *args))

    async def cancel_reminders(self, case_id: int, at: datetime, kinds: Collection[str] | None = None) -> int:
        """Cancel the case's pending reminders (of some kinds only, if given); returns how many.

        Claimed rows are left alone: they are being sent right now, and the answer to a
        reminder that arrives after its case moved on is refused as stale anyway.
        """
        sql = "UPDATE reminders SET status = 'cancelled', closed_at = ? WHERE case_id = ? AND status = 'pending'"
        args: list[Any] = [self._time(at), case_id]
        if kinds is not None:
            if not kinds:
                return 0
            among, values = self._one_of("kind", sorted(kinds), "text")
            sql += f" AND {among}"
            args += values
        return await self._count(self._numbered(sql), *args)

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
        `lease_expired_before` by a process that never finished it, which is how a crash between
        sending and marking leads to one more delivery. A claim that expired `max_attempts`
        times is given up as failed rather than retried for ever.
        """
        if limit <= 0 or not platforms or (user_ids is not None and not user_ids):
            return []
        ids = None if user_ids is None else sorted(set(user_ids))
        rows = await self._claim_reminder_rows(
            now, limit, sorted(set(platforms)), lease_expired_before, max_attempts, ids
        )
        # RETURNING gives no order guarantee; the loop sends the oldest first.
        return sorted((self.ROWS.reminder(row) for row in rows), key=lambda r: (r.due_at, r.id))

    async def finish_reminder(self, reminder_id: int, status: str, at: datetime) -> bool:
        """Close a claimed reminder as sent, failed or cancelled; False if it was not claimed."""
        check_finished_state(status)
        sql = self.SQL.finish_reminder.format(column="sent_at" if status == "sent" else "closed_at")
        return await self._count(sql, status, self._time(at), reminder_id) == 1

    async def return_reminder(self, reminder_id: int) -> bool:
        """Sent back to claimed: its check-in's send failed before it went (`Handover.give_back`)."""
        return await self._count(self.SQL.return_reminder, reminder_id) == 1

    async def defer_reminder(self, reminder_id: int, due_at: datetime, sched_at: datetime) -> bool:
        """Give a claimed reminder back as pending with a later due time (quiet hours, a retry)."""
        return await self._count(self.SQL.defer_reminder, self._time(due_at), self._time(sched_at), reminder_id) == 1

    async def answer_reminder(self, reminder_id: int, at: datetime) -> bool:
        """Record the person's answer to a delivered reminder; False if it was answered before.

        A claimed row counts as delivered too: the loop may have sent it and not yet marked it.
        """
        return await self._count(self.SQL.answer_reminder, self._time(at), reminder_id) == 1

    # --- the outbox ----------------------------------------------------------------------------

    async def enqueue_replies(
        self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime
    ) -> list[int]:
        """Queue replies for a chat, due at once; returns their ids in order."""
        if not replies:
            return []
        return sorted(row[0] for row in await self._enqueue_rows(platform, str(chat_id), replies, at))

    async def enqueue_held(
        self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime, hold_until: datetime
    ) -> tuple[list[int], bool]:
        """Queue replies the caller sends at once: claimed here when the chat has nothing else queued."""
        if not replies:
            return [], False
        rows = sorted((row[0], row[1]) for row in await self._enqueue_held_rows(platform, str(chat_id), replies, at, hold_until))
        return [i for i, _ in rows], bool(rows[0][1])

    async def claim_outbox(
        self,
        platform: str,
        chat_id: str,
        now: datetime,
        hold_until: datetime,
        ids: Collection[int] | None = None,
    ) -> list[OutboxRow]:
        """Take the chat's due rows in order up to the first that is not due; hold them until `hold_until`.

        Two processes claiming at once on PostgreSQL: the second waits for the first's row locks, then
        finds the rows no longer due (PostgreSQL checks due_at again on the committed row), so none is
        sent twice.
        """
        stamp, chat = self._time(now), str(chat_id)
        args: list[Any] = [self._time(hold_until), platform, chat, stamp, platform, chat, stamp]
        sql = SQLITE.claim_outbox  # the `?` form, numbered below with what is added to it
        if ids is not None:
            wanted = sorted(set(ids))
            if not wanted:
                return []
            among, values = self._one_of("id", wanted, "bigint")
            sql += f" AND {among}"
            args += values
        rows = await self._rows(self._numbered(f"{sql} RETURNING {OUTBOX_COLUMNS}"), *args)
        return sorted((self.ROWS.outbox(row) for row in rows), key=lambda r: r.id)

    async def outbox_sent(self, ids: Collection[int]) -> int:
        """Sent (or given up): the rows go."""
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        among, args = self._one_of("id", wanted, "bigint")
        return await self._count(self._numbered(f"DELETE FROM outbox WHERE {among}"), *args)

    async def defer_outbox(self, ids: Collection[int], due_at: datetime) -> int:
        """Try these rows again at `due_at`."""
        wanted = sorted(set(ids))
        if not wanted:
            return 0
        among, args = self._one_of("id", wanted, "bigint")
        return await self._count(
            self._numbered(f"UPDATE outbox SET due_at = ?, deferred = 1 WHERE {among}"), self._time(due_at), *args
        )

    async def bring_forward_outbox(self, platform: str, chat_id: str, now: datetime) -> int:
        """Make the chat's deferred rows due now (the person wrote again); rows a sender holds stay its own."""
        return await self._count(self.SQL.bring_forward_outbox, self._time(now), platform, str(chat_id))

    async def release_outbox(self, platform: str, now: datetime, chat_id: str | None = None) -> int:
        """Make every held or deferred row of the platform (or one chat) due now."""
        stamp = self._time(now)
        if chat_id is None:
            return await self._count(self.SQL.release_outbox, stamp, platform, stamp)
        return await self._count(self.SQL.release_chat_outbox, stamp, platform, stamp, str(chat_id))

    async def renew_outbox(self, held: Mapping[int, int], hold_until: datetime) -> list[int]:
        """Extend the hold of rows still claimed by the sender (their attempt count unchanged).

        A row at a time: renewing happens only during a send slower than a third of the hold."""
        stamp = self._time(hold_until)
        return [i for i, attempts in sorted(held.items()) if await self._count(self.SQL.renew_outbox, stamp, i, attempts)]

    async def forget_chat_outbox(self, platform: str, chat_id: str) -> int:
        """Drop every reply still queued for the chat, for /delete."""
        return await self._count(self.SQL.forget_chat_outbox, platform, str(chat_id))
