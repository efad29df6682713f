"""SQLite implementation of the Store and ReminderStore protocols: connections, transactions and reads.

Two connections to one WAL database, each running its statements on the event loop and its commits
and anything that may wait for a lock on its own thread (storage/sqlite_conn.py):
- the writer, used only under an asyncio.Lock, so transactions from many coroutines run one
  after another (SQLite has a single writer anyway; busy_timeout covers other processes);
- the reader, query-only, so reads never wait for a writer and never see another coroutine's
  uncommitted writes. The task holding the lock reads through the writer instead, so it
  sees its own writes.

synchronous=NORMAL in WAL mode keeps every committed transaction through a crash or kill of
the process; only a power cut can lose the last few commits, a fair price for a chat bot.
https://www.sqlite.org/pragma.html#pragma_synchronous

Checkpoints (copying the WAL back into the database, with its fsyncs) run on a third connection in the
background, every CHECKPOINT_EVERY seconds after a commit, not in a commit: SQLite's automatic
checkpoint ran inside whichever commit filled the WAL to 1000 pages (every few seconds under light load
here), for 10-20 ms while that update and every transaction queued behind the write lock waited.
A PASSIVE checkpoint never blocks the writer or the reader (https://www.sqlite.org/wal.html#ckpt).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Collection
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from storage.codec import decode_optional_time, encode_time
from storage.lifecycle import OpenCloseStore
from storage.migrate import DEFAULT_MIGRATIONS_DIR, apply_migrations, load_migrations
from storage.sqlite_conn import SqliteConn
from storage.sqlite_tx import SqliteTx
from storage.sql_reads import SqlReads
from storage.sqlite_rows import ROWS as SQLITE_ROWS
from storage.statements import SQLITE

log = logging.getLogger(__name__)
DB_FILE_NAME = "bot.sqlite3"
CHECKPOINT_EVERY = 1.0  # seconds


class SqliteStore(SqlReads, OpenCloseStore):
    """The bot's database in `data_dir/bot.sqlite3`; call `open()` (or use `async with`)."""

    SQL = SQLITE
    ROWS = SQLITE_ROWS

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
        self._writer: SqliteConn | None = None
        self._reader: SqliteConn | None = None
        self._checkpointer: aiosqlite.Connection | None = None
        self._checkpoints: asyncio.Task[None] | None = None
        self._commits = 0  # since the last checkpoint
        self._write_lock = asyncio.Lock()
        self._tx_owner: asyncio.Task[Any] | None = None

    async def open(self) -> SqliteStore:
        """Create the folder and database if needed, set the pragmas, apply migrations."""
        if self._writer is not None:
            raise RuntimeError("store is already open")
        migrations = load_migrations(self._migrations_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._private_files()
        async with AsyncExitStack() as opened:
            # Each connection is closed again if a later step of opening fails.
            writer = await SqliteConn.connect(
                self.path, self._busy_timeout_ms, isolation_level="IMMEDIATE", cached_statements=256
            )
            opened.push_async_callback(writer.close)
            (mode,) = list(await writer.thread.execute_fetchall("PRAGMA journal_mode = WAL"))[0]
            if str(mode).lower() != "wal":
                raise RuntimeError(f"SQLite refused WAL mode for {self.path} (got {mode})")
            await self._set_common_pragmas(writer.thread)
            await writer.thread.execute("PRAGMA synchronous = NORMAL")
            await writer.thread.execute("PRAGMA wal_autocheckpoint = 0")  # the background's job (module docstring)
            await apply_migrations(writer.thread, migrations)
            reader = await SqliteConn.connect(self.path, self._busy_timeout_ms, isolation_level=None)
            opened.push_async_callback(reader.close)
            await self._set_common_pragmas(reader.thread)
            await reader.thread.execute("PRAGMA query_only = ON")
            checkpointer = await aiosqlite.connect(self.path, isolation_level=None)
            opened.push_async_callback(checkpointer.close)
            await checkpointer.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            await writer.on_loop()
            await reader.on_loop()
            opened.pop_all()
        self._writer, self._reader, self._checkpointer = writer, reader, checkpointer
        self._checkpoints = asyncio.create_task(self._checkpointing())
        return self

    async def _checkpointing(self) -> None:
        while True:
            await asyncio.sleep(CHECKPOINT_EVERY)
            if self._commits:
                try:
                    await self.checkpoint()
                except Exception as exc:  # noqa: BLE001 - the WAL only grows until the next try
                    log.warning("a background checkpoint failed: %s", type(exc).__name__)

    async def checkpoint(self) -> tuple[int, int]:
        """Copy what the WAL holds into the database without blocking anyone (PASSIVE); returns the WAL's
        frames and how many of them are now in the database."""
        if self._checkpointer is None:
            raise RuntimeError("store is not open")
        self._commits = 0
        rows = list(await self._checkpointer.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)"))
        _busy, frames, copied = rows[0]
        return int(frames), int(copied)

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
        if self._checkpoints is not None:
            self._checkpoints.cancel()
            with suppress(asyncio.CancelledError):
                await self._checkpoints
            self._checkpoints = None
        async with self._write_lock:
            writer, reader, checkpointer = self._writer, self._reader, self._checkpointer
            self._writer = self._reader = self._checkpointer = None
            if writer is None or reader is None:
                return
            try:
                await reader.close()
                if checkpointer is not None:
                    await checkpointer.close()
                await writer.waiting_rows("PRAGMA optimize")
            finally:
                await writer.close()

    async def scrub(self) -> None:
        """Copy the WAL into the database and empty it: secure_delete zeroes the freed space in the
        new page images, but the WAL still holds the old ones until a checkpoint rewrites them."""
        async with self._write_lock:
            rows = await self._require_writer().waiting_rows("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = next(iter(rows), (0,))[0]
        if busy:
            log.warning("the WAL could not be emptied after an erase (a long read was running); the next checkpoint will")

    def _owns_transaction(self) -> bool:
        return self._tx_owner is not None and self._tx_owner is asyncio.current_task()

    def _require_writer(self) -> SqliteConn:
        if self._writer is None:
            raise RuntimeError("store is not open")
        return self._writer

    def _read_conn(self) -> SqliteConn:
        if self._owns_transaction():
            return self._require_writer()
        if self._reader is None:
            raise RuntimeError("store is not open")
        return self._reader

    async def _fetch(self, sql: str, *args: Any) -> list[Any]:
        return await self._read_conn().rows(sql, args)

    def _time(self, at: datetime) -> str:
        return encode_time(at)

    async def outbox_due(self, platform: str, now: datetime) -> list[str]:
        """The chats of the platform with a row due at `now`; read on the connection's thread, as a
        backlog (after the platform was unreachable a while) makes it a long read."""
        rows = await self._read_conn().rows(self.SQL.outbox_due, (platform, self._time(now)), waits=True)
        return [row[0] for row in rows]

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
                # thread, in order; this only heals a connection left mid-transaction (behind such
                # a hand-off, the rollback waits its turn on the thread: storage/sqlite_conn.py).
                if writer.in_transaction or not writer.idle:
                    await writer.rollback()
                try:
                    yield tx
                except BaseException:
                    await writer.rollback()
                    raise
                try:
                    await writer.commit()
                    self._commits += 1
                except BaseException:
                    if writer.in_transaction:
                        await writer.rollback()
                    raise
            finally:
                tx.finish()
                self._tx_owner = None

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
        rows = await self._fetch(sql, *params)
        return decode_optional_time(rows[0][0]) if rows else None
