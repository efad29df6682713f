"""SQLite only: how the store holds the database's write lock, seen from another connection."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import SqliteStore
from tests.storage.builders import T0, make_user


def outside_writer_can_start(db: Path) -> bool:
    """Whether another connection could take the write lock right now, without waiting."""
    conn = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        conn.close()


async def test_a_transaction_holds_the_write_lock_from_its_first_write_to_its_end(
    tmp_path: Path,
) -> None:
    async with SqliteStore(tmp_path) as store:
        user = await make_user(store)
        async with store.transaction() as tx:
            await tx.save_session(user.id, {"step": "a"}, T0)
            assert not outside_writer_can_start(store.path)
        assert outside_writer_can_start(store.path)


async def test_a_failed_transaction_releases_the_lock_at_once(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path) as store:
        user = await make_user(store)
        with pytest.raises(KeyError):
            async with store.transaction() as tx:
                await tx.save_session(user.id, {"step": "a"}, T0)
                raise KeyError("boom")

        assert outside_writer_can_start(store.path)


async def test_reads_do_not_take_the_write_lock(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path) as store:
        user = await make_user(store)
        await store.list_cases(user.id)
        await store.load_session(user.id)
        assert outside_writer_can_start(store.path)
