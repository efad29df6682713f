"""SQLite implementation of the Store and ReminderStore protocols: connections, transactions and reads.

Two aiosqlite connections to one WAL database:
- the writer, used only under an asyncio.Lock, so transactions from many coroutines run one
  after another (SQLite has a single writer anyway; busy_timeout covers other processes);
- the reader, query-only, so reads never wait for a writer and never see another coroutine's
  uncommitted writes. The task holding the lock reads through the writer instead, so it
  sees its own writes.

synchronous=NORMAL in WAL mode keeps every committed transaction through a crash or kill of
the process; only a power cut can lose the last few commits, a fair price for a chat bot.
https://www.sqlite.org/pragma.html#pragma_synchronous
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.codec import decode_json, decode_optional_time, encode_time
from storage.lifecycle import OpenCloseStore
from storage.migrate import DEFAULT_MIGRATIONS_DIR, apply_migrations, load_migrations
from storage.protocols import CaseEvent, CaseRow, EvidenceRow, OutboxRow, ReminderRow, User
from storage.sqlite_rows import (
    CASE_COLUMNS,
    EVENT_COLUMNS,
    EVIDENCE_COLUMNS,
    OUTBOX_COLUMNS,
    REMINDER_COLUMNS,
    USER_COLUMNS,
    case_from_row,
    event_from_row,
    evidence_from_row,
    outbox_from_row,
    reminder_from_row,
    user_from_row,
)
from storage.sqlite_tx import SqliteTx

log = logging.getLogger(__name__)
DB_FILE_NAME = "bot.sqlite3"


class SqliteStore(OpenCloseStore):
    """The bot's database in `data_dir/bot.sqlite3`; call `open()` (or use `async with`)."""

    def __init__(
        self,
        data_dir: Path,
        *,
        migrations_dir: Path = DEFAULT_MIGRATIONS_DIR,
        busy_timeout_ms: int = 5000,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / DB_FILE_NAME
        self._migrations_dir = migrations_dir
        self._busy_timeout_ms = busy_timeout_ms
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._tx_owner: asyncio.Task[Any] | None = None

    async def open(self) -> SqliteStore:
        """Create the folder and database if needed, set the pragmas, apply migrations."""
        if self._writer is not None:
            raise RuntimeError("store is already open")
        migrations = load_migrations(self._migrations_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._private_files()
        writer = await aiosqlite.connect(
            self.path, isolation_level="IMMEDIATE", cached_statements=256
        )
        try:
            (mode,) = list(await writer.execute_fetchall("PRAGMA journal_mode = WAL"))[0]
            if str(mode).lower() != "wal":
                raise RuntimeError(f"SQLite refused WAL mode for {self.path} (got {mode})")
            await self._set_common_pragmas(writer)
            await writer.execute("PRAGMA synchronous = NORMAL")
            await apply_migrations(writer, migrations)
            reader = await aiosqlite.connect(self.path, isolation_level=None)
        except BaseException:
            await writer.close()
            raise
        try:
            await self._set_common_pragmas(reader)
            await reader.execute("PRAGMA query_only = ON")
        except BaseException:
            await reader.close()
            await writer.close()
            raise
        self._writer, self._reader = writer, reader
        return self

    def _private_files(self) -> None:
        """The database and its -wal and -shm files are the bot's alone (0600), whatever the umask.

        The file is created here with that mode before SQLite opens it; SQLite gives the -wal and
        -shm files it creates the database file's permissions, and files left by an older run are
        set right here too."""
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        for suffix in ("", "-wal", "-shm", "-journal"):
            path = self.path.with_name(self.path.name + suffix)
            if path.exists():
                os.chmod(path, 0o600)

    async def _set_common_pragmas(self, conn: aiosqlite.Connection) -> None:
        await conn.execute("PRAGMA foreign_keys = ON")
        # /delete must really erase: overwrite freed pages instead of leaving the text in the file.
        await conn.execute("PRAGMA secure_delete = ON")
        await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")

    async def close(self) -> None:
        """Wait for the running transaction, then close both connections."""
        if self._writer is None:
            return
        if self._owns_transaction():
            raise RuntimeError("cannot close the store from inside one of its transactions")
        async with self._write_lock:
            writer, reader = self._writer, self._reader
            self._writer = self._reader = None
            if writer is None or reader is None:
                return
            try:
                await reader.close()
                await writer.execute("PRAGMA optimize")
            finally:
                await writer.close()

    async def scrub(self) -> None:
        """Copy the WAL into the database and empty it: secure_delete zeroes the freed space in the
        new page images, but the WAL still holds the old ones until a checkpoint rewrites them."""
        async with self._write_lock:
            rows = await self._require_writer().execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = next(iter(rows), (0,))[0]
        if busy:
            log.warning("the WAL could not be emptied after an erase (a long read was running); the next checkpoint will")

    def _owns_transaction(self) -> bool:
        return self._tx_owner is not None and self._tx_owner is asyncio.current_task()

    def _require_writer(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise RuntimeError("store is not open")
        return self._writer

    def _read_conn(self) -> aiosqlite.Connection:
        if self._owns_transaction():
            return self._require_writer()
        if self._reader is None:
            raise RuntimeError("store is not open")
        return self._reader

    async def _fetch(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        return list(await self._read_conn().execute_fetchall(sql, params))

    @asynccontextmanager
    async def serialized(self, platform: str, key: str) -> AsyncIterator[None]:
        """One person's event: nothing to take here, as SQLite serves one process.

        That process serializes a person's events itself (services/chat_locks.py); several
        processes need PostgreSQL, whose store takes a lock in the database.
        """
        yield

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTx]:
        """One atomic unit of writes: commit when the block exits, roll back if it raises."""
        if self._owns_transaction():
            raise RuntimeError("a transaction is already open in this task; use its tx object")
        async with self._write_lock:
            writer = self._require_writer()
            task = asyncio.current_task()
            self._tx_owner = task
            tx = SqliteTx(writer)
            try:
                # A commit or rollback whose await was cancelled still runs on the connection
                # thread, in order; this only heals a connection left mid-transaction.
                if writer.in_transaction:
                    await writer.rollback()
                try:
                    yield tx
                except BaseException:
                    await writer.rollback()
                    raise
                try:
                    await writer.commit()
                except BaseException:
                    if writer.in_transaction:
                        await writer.rollback()
                    raise
            finally:
                tx.finish()
                self._tx_owner = None

    async def get_or_create_user(
        self, platform: str, external_id: str, lang: str, at: datetime
    ) -> User:
        """Find the user, or create it with `lang`; a known user costs one read, no write."""
        rows = await self._fetch(
            f"SELECT {USER_COLUMNS} FROM users WHERE platform = ? AND external_id = ?",
            (platform, str(external_id)),
        )
        if rows:
            return user_from_row(rows[0])
        async with self.transaction() as tx:
            return await tx.get_or_create_user(platform, external_id, lang, at)

    async def get_user(self, user_id: int) -> User | None:
        """The user with this id, or None."""
        rows = await self._fetch(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", (user_id,))
        return user_from_row(rows[0]) if rows else None

    async def set_user_lang(self, user_id: int, lang: str) -> None:
        """Change the user's language in a transaction of its own."""
        async with self.transaction() as tx:
            await tx.set_user_lang(user_id, lang)

    async def set_user_timezone(self, user_id: int, tz: str | None) -> None:
        """Change the user's time zone in a transaction of its own."""
        async with self.transaction() as tx:
            await tx.set_user_timezone(user_id, tz)

    async def load_session(self, user_id: int) -> dict[str, Any] | None:
        """The user's saved conversation state, or None."""
        rows = await self._fetch("SELECT state FROM sessions WHERE user_id = ?", (user_id,))
        return decode_json(rows[0][0]) if rows else None

    async def load_session_version(self, user_id: int) -> tuple[dict[str, Any] | None, int]:
        """The saved state with its version (0 when there is none)."""
        rows = await self._fetch("SELECT state, version FROM sessions WHERE user_id = ?", (user_id,))
        return (decode_json(rows[0][0]), int(rows[0][1])) if rows else (None, 0)

    async def list_cases(self, user_id: int) -> list[CaseRow]:
        """The user's cases, newest first."""
        rows = await self._fetch(
            f"SELECT {CASE_COLUMNS} FROM cases WHERE user_id = ? "
            "ORDER BY created_at DESC, id DESC",
            (user_id,),
        )
        return [case_from_row(row) for row in rows]

    async def get_case(self, case_id: int, user_id: int) -> CaseRow | None:
        """The case if it belongs to this user; None otherwise (other users' cases stay hidden)."""
        rows = await self._fetch(
            f"SELECT {CASE_COLUMNS} FROM cases WHERE id = ? AND user_id = ?", (case_id, user_id)
        )
        return case_from_row(rows[0]) if rows else None

    async def case_answers(self, case_id: int) -> dict[str, Any]:
        """Step id -> answered value for one case."""
        rows = await self._fetch(
            "SELECT step_id, value FROM answers WHERE case_id = ? ORDER BY step_id", (case_id,)
        )
        return {step_id: decode_json(value) for step_id, value in rows}

    async def case_evidence(self, case_id: int) -> list[EvidenceRow]:
        """The case's evidence in the order it arrived."""
        rows = await self._fetch(
            f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE case_id = ? ORDER BY id", (case_id,)
        )
        return [evidence_from_row(row) for row in rows]

    async def case_events(self, case_id: int) -> list[CaseEvent]:
        """The case's history, oldest first."""
        rows = await self._fetch(
            f"SELECT {EVENT_COLUMNS} FROM case_events WHERE case_id = ? ORDER BY at, id",
            (case_id,),
        )
        return [event_from_row(row) for row in rows]

    async def is_processed(self, platform: str, update_id: int | str) -> bool:
        """Whether this platform update id was already claimed by mark_processed."""
        rows = await self._fetch(
            "SELECT 1 FROM processed_updates WHERE platform = ? AND update_id = ?",
            (platform, str(update_id)),
        )
        return bool(rows)

    async def chat_outbox(self, platform: str, chat_id: str) -> list[OutboxRow]:
        """Every queued reply of the chat, in order, whether due or not."""
        rows = await self._fetch(
            f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE platform = ? AND chat_id = ? ORDER BY id",
            (platform, str(chat_id)),
        )
        return [outbox_from_row(row) for row in rows]

    async def outbox_due(self, platform: str, now: datetime) -> list[str]:
        """The chats of the platform with a row due at `now`."""
        rows = await self._fetch(
            "SELECT DISTINCT chat_id FROM outbox WHERE platform = ? AND due_at <= ? ORDER BY chat_id",
            (platform, encode_time(now)),
        )
        return [row[0] for row in rows]

    async def next_outbox_due(self, platform: str) -> datetime | None:
        """When the platform's earliest queued row falls due."""
        rows = await self._fetch("SELECT min(due_at) FROM outbox WHERE platform = ?", (platform,))
        return decode_optional_time(rows[0][0]) if rows else None

    async def get_reminder(self, reminder_id: int, user_id: int) -> ReminderRow | None:
        """The reminder if it belongs to this user; None otherwise (forged ids find nothing)."""
        rows = await self._fetch(
            f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE id = ? AND user_id = ?",
            (reminder_id, user_id),
        )
        return reminder_from_row(rows[0]) if rows else None

    async def case_reminders(self, case_id: int) -> list[ReminderRow]:
        """Every reminder of a case, in schedule order, whatever its status."""
        rows = await self._fetch(
            f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE case_id = ? ORDER BY sched_at, id",
            (case_id,),
        )
        return [reminder_from_row(row) for row in rows]

    async def next_reminder_due(
        self, platforms: Collection[str], user_ids: Collection[int] | None = None
    ) -> datetime | None:
        """When the earliest pending reminder for these platforms (and users) falls due."""
        platforms = sorted(set(platforms))
        if not platforms or (user_ids is not None and not user_ids):
            return None
        sql = (
            "SELECT min(r.due_at) FROM reminders r JOIN users u ON u.id = r.user_id "
            f"WHERE r.status = 'pending' AND u.platform IN ({', '.join('?' * len(platforms))})"
        )
        params: list[Any] = list(platforms)
        if user_ids is not None:
            ids = sorted(set(user_ids))
            sql += f" AND r.user_id IN ({', '.join('?' * len(ids))})"
            params += ids
        rows = await self._fetch(sql, tuple(params))
        return decode_optional_time(rows[0][0]) if rows else None
