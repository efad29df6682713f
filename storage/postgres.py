"""PostgreSQL implementation of the Store and ReminderStore protocols: pool, transactions and reads.

For deployments that run several bot processes against one database (SQLite stays the embedded
default). One asyncpg pool per process:
- each transaction takes its own connection for the whole block, so transactions of different
  coroutines run side by side (READ COMMITTED; the writes are single statements whose conflicts
  PostgreSQL settles with row locks, see storage/postgres_tx.py);
- a read outside a transaction borrows any idle connection and sees committed data only; a read
  from the task that holds a transaction goes through that transaction's connection, so it also
  sees its own writes — the same rule as SqliteStore, and the same "never nest" rule.

Timestamps are `timestamptz`: PostgreSQL orders and compares them natively (no text-order trick
needed), and asyncpg hands them back as aware UTC datetimes. JSON columns are `json`, which keeps
the codec's text exactly as written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg

from storage.codec import utc
from storage.errors import OneLine
from storage.migrate import load_migrations
from storage.postgres_migrate import POSTGRES_MIGRATIONS_DIR, apply_postgres_migrations
from storage.postgres_sql import ROWS, Params, reminder_scope
from storage.lifecycle import OpenCloseStore
from storage.postgres_tx import PostgresTx
from storage.shared_dir import check_shared_data_dir
from storage.sql_reads import SqlReads
from storage.postgres_sql import ROWS as POSTGRES_ROWS
from storage.statements import POSTGRES

log = logging.getLogger(__name__)
# While the server restarts, the pool logs each failed reconnect with its stack; one line says as much.
logging.getLogger("asyncpg.pool").addFilter(OneLine())

# Advisory lock keys of the (int, int) form, whose key space is apart from the single-bigint form
# the migrations use: the first number says what is locked ("pers"), the second is a hash.
PERSON_LOCK_CLASS = 0x70657273
SCRUB_LOCK_TIMEOUT = 10.0  # seconds one table's VACUUM after /delete may wait for another VACUUM
COMPACT_LOCK_TIMEOUT = 2.0  # seconds one table's rewrite may keep the bot's queries on it waiting
SOLE_LOCK_CLASS = 0x736F6C65  # "sole": a role one process at a time may have (the long poller, compaction)
# The tables whose rows a case erase deletes or rewrites (delete_case, the session saved with it, and
# the person's journaled updates).
ERASED_TABLES = (
    "cases", "answers", "evidence", "case_events", "reminders", "sessions", "update_journal", "outbox",
)


@dataclass
class _EventScope:
    """What serialized() tracks for its task: a savepoint open now, a VACUUM owed after commit."""

    writing: bool = False
    scrub: bool = False


class PostgresStore(SqlReads, OpenCloseStore):
    """The bot's database on a PostgreSQL server named by a postgresql:// URL; call `open()` first.

    `pool_size` caps this process's connections: each open transaction holds one, and further
    transactions queue for a free one. Ten suits a bot process; mind the server's max_connections
    (100 by default) when running many processes.
    """

    SQL = POSTGRES
    ROWS = POSTGRES_ROWS

    def __init__(
        self,
        url: str,
        *,
        migrations_dir: Path = POSTGRES_MIGRATIONS_DIR,
        pool_size: int = 10,
    ) -> None:
        self._url = url
        self._migrations_dir = migrations_dir
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._tx_conns: dict[asyncio.Task[Any], asyncpg.Connection] = {}
        # Tasks inside serialized(): their transaction() blocks are savepoints of the event's transaction.
        self._events: dict[asyncio.Task[Any], _EventScope] = {}

    def __repr__(self) -> str:
        # The URL may carry a password; it never goes into a repr, a log line or a traceback.
        return f"<PostgresStore {'open' if self._pool else 'closed'}>"

    async def open(self) -> PostgresStore:
        """Connect, then apply the pending migrations (one process at a time, under an advisory lock)."""
        if self._pool is not None:
            raise RuntimeError("store is already open")
        migrations = load_migrations(self._migrations_dir)
        pool = await asyncpg.create_pool(self._url, min_size=1, max_size=self._pool_size)
        try:
            async with pool.acquire() as conn:
                await apply_postgres_migrations(conn, migrations)
        except BaseException:
            await pool.close()
            raise
        self._pool = pool
        return self

    async def check_shared_data_dir(self, data_dir: Path) -> None:
        """Refuse (DataDirNotShared) a DATA_DIR other than the one the database's other processes use."""
        async with self._require_pool().acquire() as conn:
            await check_shared_data_dir(conn, data_dir)

    async def close(self) -> None:
        """Wait for the running transactions to finish, then close every connection."""
        if self._pool is None:
            return
        if self._owns_transaction():
            raise RuntimeError("cannot close the store from inside one of its transactions")
        pool, self._pool = self._pool, None
        await pool.close()

    async def scrub(self) -> None:
        """After /delete: VACUUM the tables a case erase touches, so no erased row stays in a page.

        PostgreSQL keeps a deleted or replaced row version in its page until VACUUM finds that no
        transaction can still see it; till then a superuser reading the pages (pageinspect) or a
        copy of the data folder finds it whole. A plain VACUUM frees those row versions at once and
        takes no lock that blocks reads or writes (0.1–0.2 s for 20,000 people, bench/README.md), but
        it only marks the space free: the bytes stay in the table's files until a new row
        overwrites them or `compact()` (`bot.py compact`, nightly: deploy/) rewrites the files.
        What stays in the WAL and in backups, and for how long, is in README.md (Erasure).
        """
        task = asyncio.current_task()
        if task is not None and task in self._events:
            # VACUUM can only remove rows whose delete is committed: it runs when the event commits.
            self._events[task].scrub = True
            return
        async with self._require_pool().acquire() as conn:
            # VACUUM cannot run inside a transaction block; a pooled connection outside one is idle.
            # Its lock waits only for another VACUUM (or a schema change) of the same table.
            await conn.execute(f"SET lock_timeout = '{int(SCRUB_LOCK_TIMEOUT * 1000)}ms'")
            try:
                for table in ERASED_TABLES:
                    try:
                        # INDEX_CLEANUP ON: the index entries of the erased rows go too, however few.
                        # TRUNCATE false: giving empty end pages back would take an exclusive lock.
                        await conn.execute(f"VACUUM (INDEX_CLEANUP ON, TRUNCATE false) {table}")
                    except asyncpg.LockNotAvailableError:
                        log.warning("erase: %s was being vacuumed or altered; the nightly compaction frees its rows", table)
            finally:
                await conn.execute("RESET lock_timeout")

    async def compact(self, attempts: int = 5, pause: float = 60.0) -> list[str] | None:
        """Rewrite the tables a case erase touches (VACUUM FULL), so erased text leaves the files.

        Meant to run nightly (`bot.py compact`, deploy/): scrub() made the erased rows unreadable,
        this removes their bytes from the free space of the pages. VACUUM FULL writes each table
        with its indexes and TOAST anew, live rows only, and drops the old files; it holds an
        exclusive lock on the table while it runs. So each table goes on its own, and waits at
        most `COMPACT_LOCK_TIMEOUT` for its lock (the bot's queries on that table queue behind the
        waiting rewrite); a busy table is tried again, up to `attempts` rounds `pause` s apart.
        One process at a time: a second one returns None at once (the first does the work).
        Returns the tables left as they were: empty when every one was rewritten.
        """
        stop = asyncio.Event()
        stop.set()  # Another process compacting now does the same work: do not wait for it.
        async with self.sole("compact", stop, lambda: log.info("compact: another process is compacting")) as mine:
            if not mine:
                return None
            left = list(ERASED_TABLES)
            async with self._require_pool().acquire() as conn:
                await conn.execute(f"SET lock_timeout = '{int(COMPACT_LOCK_TIMEOUT * 1000)}ms'")
                try:
                    for attempt in range(attempts):
                        if attempt:
                            await asyncio.sleep(pause)
                        left = [table for table in left if not await _rewritten(conn, table)]
                        if not left:
                            break
                finally:
                    await conn.execute("RESET lock_timeout")
            return left

    def _owns_transaction(self) -> bool:
        task = asyncio.current_task()
        return task is not None and task in self._tx_conns

    def _require_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("store is not open")
        return self._pool

    def _time(self, at: datetime) -> datetime:
        return utc(at)

    async def _fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        task = asyncio.current_task()
        conn = self._tx_conns.get(task) if task is not None else None
        if conn is not None:
            return await conn.fetch(sql, *args)
        return await self._require_pool().fetch(sql, *args)

    @asynccontextmanager
    async def sole(
        self, role: str, stop: asyncio.Event, on_wait: Callable[[], None], retry: float = 2.0
    ) -> AsyncIterator[bool]:
        """Take `role` for the block, one process at a time: yields True once this process has it,
        or False if `stop` was set while another process held it (`on_wait` is called once then).

        The role is a session advisory lock on a connection of its own: it is released when the
        block ends, and when the process dies and its connection drops, so a waiting process
        takes over. If the server restarts, the lock is lost with the connection.
        """
        conn = await asyncpg.connect(self._url)
        try:
            told = False
            while not await conn.fetchval(
                "SELECT pg_try_advisory_lock($1, hashtext($2))", SOLE_LOCK_CLASS, role
            ):
                if not told:
                    on_wait()
                    told = True
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), retry)
                if stop.is_set():
                    yield False
                    return
            yield True
        finally:
            await conn.close()

    @asynccontextmanager
    async def serialized(self, platform: str, key: str) -> AsyncIterator[None]:
        """One person's event, one at a time across every process sharing the database.

        The block runs in one transaction that first takes `pg_advisory_xact_lock` on the
        person's key, so an event of the same person in another process (a webhook redelivered
        to a second process, say) waits until this one commits, then sees what it wrote. The
        lock goes with the transaction: at commit, at rollback, and when a killed process's
        connection drops. Inside the block, reads go through this transaction and each
        `transaction()` is a savepoint of it: the event commits whole, or not at all.
        """
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("serialized() must run inside an asyncio task")
        if task in self._tx_conns:
            raise RuntimeError("a transaction is already open in this task")
        scope = _EventScope()
        async with self._require_pool().acquire() as conn:
            self._tx_conns[task] = conn
            self._events[task] = scope
            try:
                async with conn.transaction():
                    await conn.execute(
                        "SELECT pg_advisory_xact_lock($1, hashtext($2))", PERSON_LOCK_CLASS, f"{platform}:{key}"
                    )
                    yield
            finally:
                del self._tx_conns[task]
                del self._events[task]
        if scope.scrub:
            await self.scrub()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresTx]:
        """One atomic unit of writes: commit when the block exits, roll back if it raises.

        Inside serialized() it is a savepoint: it rolls back alone, and commits with the event.
        """
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a transaction must run inside an asyncio task")
        scope = self._events.get(task)
        if scope is not None and not scope.writing:
            async with self._savepoint(self._tx_conns[task], scope) as tx:
                yield tx
            return
        if task in self._tx_conns:
            raise RuntimeError("a transaction is already open in this task; use its tx object")
        async with self._require_pool().acquire() as conn:
            tx = PostgresTx(conn)
            self._tx_conns[task] = conn
            try:
                # Exiting this block commits, or rolls back on any exception (cancellation too);
                # if the rollback itself fails, the pool closes the connection on release.
                async with conn.transaction():
                    yield tx
            finally:
                tx.finish()
                del self._tx_conns[task]

    @asynccontextmanager
    async def _savepoint(self, conn: asyncpg.Connection, scope: _EventScope) -> AsyncIterator[PostgresTx]:
        tx = PostgresTx(conn)
        scope.writing = True
        try:
            async with conn.transaction():
                yield tx
        finally:
            tx.finish()
            scope.writing = False

    async def next_reminder_due(
        self, platforms: Collection[str], user_ids: Collection[int] | None = None
    ) -> datetime | None:
        """When the earliest pending reminder for these platforms (and users) falls due."""
        if not platforms or (user_ids is not None and not user_ids):
            return None
        p = Params()
        scope = reminder_scope(p, platforms, user_ids)
        rows = await self._fetch(
            "SELECT min(r.due_at) FROM reminders r JOIN users u ON u.id = r.user_id "
            f"WHERE r.status = 'pending' AND {scope}",
            *p.values,
        )
        return ROWS.optional_time(rows[0][0]) if rows else None


async def _rewritten(conn: asyncpg.Connection, table: str) -> bool:
    """VACUUM FULL one table; False if its lock was not had in time (a long transaction on it)."""
    try:
        await conn.execute(f"VACUUM (FULL) {table}")
    except asyncpg.LockNotAvailableError:
        log.warning("compact: %s was busy; tried again later", table)
        return False
    return True
