"""SQLite only: statements on the event loop, commits and lock waits on the connection's thread
(storage/sqlite_conn.py), seen through the real database file and another connection to it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from storage import SqliteStore
from storage.sqlite_conn import SqliteConn
from tests.storage.builders import T0, make_case, make_user


def outside(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    """What another connection reads in the database file (committed data only)."""
    with closing(sqlite3.connect(db)) as conn:
        return list(conn.execute(sql, args).fetchall())


@contextmanager
def write_lock_held_outside(db: Path, seconds: float) -> Iterator[threading.Event]:
    """Another connection (as another process would) holds the write lock for `seconds`; yields once it has it."""
    taken = threading.Event()

    def hold() -> None:
        with closing(sqlite3.connect(db, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            taken.set()
            time.sleep(seconds)
            conn.execute("ROLLBACK")

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(5)
        yield taken
    finally:
        holder.join()


def writer_of(store: SqliteStore) -> SqliteConn:
    writer = store._writer
    assert writer is not None
    return writer


async def test_an_events_transaction_makes_one_hand_off_to_the_thread_its_commit(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path) as store:
        user = await make_user(store)
        case_id = await make_case(store, user)
        writer = writer_of(store)
        before = writer._sent
        async with store.transaction() as tx:
            assert await tx.mark_processed("telegram", 7, T0)
            await tx.save_answer(case_id, "issue_type", "robocall", T0)
            await tx.update_case(case_id, T0, issue_type="robocall")
            await tx.add_event(case_id, "answered", {"step": "issue_type"}, T0)
            await tx.save_session(user.id, {"step": "caller_numbers"}, T0, expected_version=0)
            await tx.enqueue_held("telegram", "1001", [{"text": "next?"}], T0, T0)
            assert writer._sent == before  # seven statements so far, none handed over
        assert writer._sent == before + 1
        assert outside(store.path, "SELECT step_id FROM answers") == [("issue_type",)]


async def test_an_events_transaction_is_rolled_back_whole_when_one_statement_fails(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path) as store:
        user = await make_user(store)
        case_id = await make_case(store, user)
        with pytest.raises(LookupError):
            async with store.transaction() as tx:
                assert await tx.mark_processed("telegram", 7, T0)
                await tx.save_answer(case_id, "issue_type", "robocall", T0)
                await tx.save_session(user.id, {"step": "caller_numbers"}, T0, expected_version=0)
                await tx.enqueue_held("telegram", "1001", [{"text": "next?"}], T0, T0)
                await tx.add_event(case_id + 99, "answered", {}, T0)  # no such case: the foreign key fails
        for table in ("processed_updates", "answers", "sessions", "outbox", "case_events"):
            assert outside(store.path, f"SELECT count(*) FROM {table}") == [(0,)], table
        assert not await store.is_processed("telegram", 7)
        # The connection is usable again at once, and the same writes now go in.
        async with store.transaction() as tx:
            assert await tx.mark_processed("telegram", 7, T0)
            await tx.save_answer(case_id, "issue_type", "robocall", T0)
        assert outside(store.path, "SELECT update_id FROM processed_updates") == [("7",)]


async def test_a_first_write_waits_for_another_process_on_the_thread_not_the_loop(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path) as store:
        user = await make_user(store)
        ticks = 0

        async def ticking() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(ticking())
        try:
            with write_lock_held_outside(store.path, 0.5):
                started = time.monotonic()
                async with store.transaction() as tx:
                    await tx.save_session(user.id, {"step": "a"}, T0)
                waited = time.monotonic() - started
        finally:
            ticker.cancel()
        assert waited >= 0.3  # it did wait for the lock ...
        assert ticks >= 10  # ... and the loop kept running meanwhile
        assert await store.load_session(user.id) == {"step": "a"}


async def test_a_write_lock_held_past_busy_timeout_fails_the_transaction_after_waiting(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path, busy_timeout_ms=200) as store:
        user = await make_user(store)
        with write_lock_held_outside(store.path, 1.0):
            started = time.monotonic()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                async with store.transaction() as tx:
                    await tx.save_session(user.id, {"step": "a"}, T0)
            assert time.monotonic() - started >= 0.15
        async with store.transaction() as tx:  # the lock is free again: the store goes on
            await tx.save_session(user.id, {"step": "b"}, T0)
        assert await store.load_session(user.id) == {"step": "b"}


async def test_a_cancelled_commit_never_lets_a_later_statement_overtake_it(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path) as store:
        user = await make_user(store)
        writer = writer_of(store)

        async def event() -> None:
            async with store.transaction() as tx:
                await tx.save_session(user.id, {"step": "first"}, T0)

        task = asyncio.create_task(event())
        while writer.idle:  # until the commit has been handed to the thread
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The commit may still be running on the thread; the next transaction waits its turn there.
        async with store.transaction() as tx:
            await tx.save_session(user.id, {"step": "second"}, T0)
        assert writer.idle
        assert await store.load_session(user.id) == {"step": "second"}
        assert outside(store.path, "SELECT state FROM sessions") == [('{"step":"second"}',)]


async def test_scrub_still_waits_for_a_reader_to_empty_the_wal(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path) as store:
        user = await make_user(store)
        async with store.transaction() as tx:
            await tx.save_session(user.id, {"step": "a"}, T0)
        reading = threading.Event()

        def read_a_while() -> None:
            with closing(sqlite3.connect(store.path, isolation_level=None)) as conn:
                conn.execute("BEGIN")
                conn.execute("SELECT count(*) FROM sessions").fetchall()  # a read snapshot on the WAL
                reading.set()
                time.sleep(0.3)
                conn.execute("COMMIT")

        reader = threading.Thread(target=read_a_while)
        reader.start()
        try:
            assert reading.wait(5)
            await store.scrub()  # TRUNCATE waits (busy_timeout) for the reader rather than giving up
        finally:
            reader.join()
        wal = store.path.with_name(store.path.name + "-wal")
        assert wal.stat().st_size == 0
