"""A SQLite connection that runs its short statements on the event loop, and on its own thread only what may wait.

Why: handing a statement to aiosqlite's thread and back (a queue, a thread woken, the loop woken
through its pipe) costs about 40 µs of CPU where a statement of an event takes a few µs to some 20, and
an update of the Telegram bot made 7.9 of those hand-offs; with its statements on the loop it makes 1.7
(its commits), and the bot spends about 7 % less CPU per update (bench/README.md).

What keeps this safe:
- A statement runs on the loop only while nothing of this connection is queued on or running in its
  thread. The thread runs what it is given in order, so a statement on the loop never overtakes one
  handed over before it, even one whose await was cancelled (that one still runs): until a later
  hand-off comes back, statements keep going to the thread too.
- On the loop the connection's busy_timeout is 0: a statement that would wait for a lock (another
  process holding the write lock; the WAL being recovered) fails at once with SQLITE_BUSY, having
  changed nothing, and runs again on the thread, where it may wait the store's busy_timeout.
- Commits and rollbacks run on the thread: the first commit after a checkpoint syncs the WAL's
  header (an fsync), and a rollback is only ever on a failure's path anyway.
- So do statements over an unbounded number of rows (pruning, claims at start-up): `waits=True`;
  and `waiting_rows` waits from the start (a checkpoint that waits for readers reports them in its row).

A statement on the loop never writes to disk: SQLite writes a transaction's pages to the WAL at its
commit (or when they outgrow the page cache, 2 MB, which no one event's statements come near). It may
read pages the page cache does not hold yet, from the OS's cache or the disk, as any read does.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")
log = logging.getLogger(__name__)


def would_wait(exc: BaseException) -> bool:
    """Whether SQLite refused the statement because it would have had to wait for a lock."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.OperationalError) and code is not None and code & 0xFF == sqlite3.SQLITE_BUSY


class SqliteConn:
    """One sqlite3 connection: statements on the loop, commits and anything that may wait on its thread.

    Only one task at a time may write through it (the store's write lock sees to that); many may read.
    """

    def __init__(self, thread: aiosqlite.Connection, conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
        # `thread` runs, in order, what is handed to it; `conn` is the same connection, used on the loop.
        self.thread = thread
        self._conn = conn
        self._busy_timeout_ms = int(busy_timeout_ms)
        self._on_loop = False  # until the store has set the connection up
        self._sent = 0  # hand-offs made
        self._back = 0  # the latest hand-off known finished (the thread takes them in order)

    @classmethod
    async def connect(cls, path: Path, busy_timeout_ms: int, **kwargs: Any) -> SqliteConn:
        """Open the connection on its thread; statements run there until `on_loop()`."""
        made: list[sqlite3.Connection] = []

        def connector() -> sqlite3.Connection:
            made.append(sqlite3.connect(str(path), check_same_thread=False, **kwargs))
            return made[0]

        thread = await aiosqlite.Connection(connector, 64)
        return cls(thread, made[0], busy_timeout_ms)

    async def on_loop(self) -> None:
        """From now on statements run on the loop where they can (called once the store has set the
        connection up through `thread`, migrations included, with the busy_timeout in force)."""
        await self._handed(self.thread.execute("PRAGMA busy_timeout = 0"))
        self._on_loop = True

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    @property
    def idle(self) -> bool:
        """Nothing of ours is queued on or running in the thread."""
        return self._back == self._sent

    async def _handed(self, call: Awaitable[T]) -> T:
        """Await something handed to the thread, keeping count of what it may still be running."""
        self._sent += 1
        mine = self._sent
        try:
            result = await call
        except asyncio.CancelledError:
            raise  # it may still run: `idle` stays False until a later hand-off comes back
        except BaseException:
            self._back = max(self._back, mine)
            raise
        self._back = max(self._back, mine)
        return result

    async def _waiting(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run on the thread with the busy_timeout in force, so that SQLite waits there for a lock."""
        if not self._on_loop:
            return await self._handed(call())
        await self._handed(self.thread.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}"))
        try:
            return await self._handed(call())
        finally:
            await self._handed(self.thread.execute("PRAGMA busy_timeout = 0"))

    async def _run(self, now: Callable[[], T], later: Callable[[], Awaitable[T]], waits: bool, sql: str, args: Any) -> T:
        """`now` on the loop if it may run there, else `later` on the thread; either without waiting
        for a lock, and if SQLite would have had to, `later` once more on the thread, waiting.
        A statement run on the loop is logged at DEBUG as aiosqlite logs those on its thread (with
        LOG_LIBRARIES, through the same redaction of numbers and tokens: app/logsafe.py)."""
        if self._on_loop:
            try:
                if self.idle and not waits:
                    if log.isEnabledFor(logging.DEBUG):
                        log.debug("on the loop: %s %r", sql, args)
                    return now()
                return await self._handed(later())
            except sqlite3.OperationalError as exc:
                if not would_wait(exc):
                    raise
        return await self._waiting(later)

    async def rows(self, sql: str, args: Sequence[Any] = (), *, waits: bool = False) -> list[Any]:
        """Every row the statement returns."""
        return await self._run(
            lambda: self._conn.execute(sql, args).fetchall(),
            lambda: self._rows_on_thread(sql, args),
            waits, sql, args,
        )

    async def _rows_on_thread(self, sql: str, args: Sequence[Any]) -> list[Any]:
        return list(await self.thread.execute_fetchall(sql, args))

    async def waiting_rows(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        """Every row the statement returns, run on the thread with the busy_timeout in force from the
        start: for a statement that reports a lock it did not get in its result instead of failing
        (`PRAGMA wal_checkpoint`), or whose waiting is the point."""
        return await self._waiting(lambda: self._rows_on_thread(sql, args))

    async def count(self, sql: str, args: Sequence[Any] = (), *, waits: bool = False) -> int:
        """Run a write; how many rows it changed."""
        return await self._run(
            lambda: self._conn.execute(sql, args).rowcount,
            lambda: self._count_on_thread(sql, args),
            waits, sql, args,
        )

    async def _count_on_thread(self, sql: str, args: Sequence[Any]) -> int:
        return (await self.thread.execute(sql, args)).rowcount

    async def insert(self, sql: str, args: Sequence[Any]) -> int:
        """Run an INSERT of one row; the row's id."""
        rowid = await self._run(
            lambda: self._conn.execute(sql, args).lastrowid,
            lambda: self._insert_on_thread(sql, args),
            False, sql, args,
        )
        assert rowid is not None
        return rowid

    async def _insert_on_thread(self, sql: str, args: Sequence[Any]) -> int | None:
        return (await self.thread.execute(sql, args)).lastrowid

    async def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """Run a write once a row of arguments; how many rows it changed in all."""
        batch = list(rows)
        return await self._run(
            lambda: self._conn.executemany(sql, batch).rowcount,
            lambda: self._many_on_thread(sql, batch),
            False, sql, batch,
        )

    async def _many_on_thread(self, sql: str, batch: list[Sequence[Any]]) -> int:
        return (await self.thread.executemany(sql, batch)).rowcount

    async def commit(self) -> None:
        await self._handed(self.thread.commit())

    async def rollback(self) -> None:
        await self._handed(self.thread.rollback())

    async def close(self) -> None:
        await self._handed(self.thread.close())
