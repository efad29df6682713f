"""SQLite only: checkpoints run in the background, never inside a commit (storage/sqlite.py)."""
from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from storage import sqlite as sqlite_store
from storage import SqliteStore
from storage.protocols import InboundUpdate
from tests.storage.builders import T0

UPDATES = 1500  # about 1,500 pages of WAL: SQLite's own checkpoint would run in a commit past 1,000


def in_database_file(path: Path) -> int:
    """Journal rows in the database file itself, not counting what only the WAL holds yet."""
    try:
        with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as db:
            return int(db.execute("SELECT count(*) FROM update_journal").fetchone()[0])
    except sqlite3.DatabaseError:  # the table itself is still only in the WAL
        return 0


async def test_no_commit_copies_the_wal_into_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_store, "CHECKPOINT_EVERY", 3600.0)  # the background stays out of this test
    store = await SqliteStore(tmp_path).open()
    try:
        payload = {"message": {"text": "x" * 3000}}
        for update_id in range(UPDATES):
            async with store.transaction() as tx:
                await tx.journal_updates("telegram", [InboundUpdate(update_id, "1", payload)], T0)
        assert in_database_file(store.path) == 0  # SQLite's own checkpoint would have copied 1,000 pages or more
        frames, copied = await store.checkpoint()
        assert frames == copied >= UPDATES
        assert in_database_file(store.path) == UPDATES
    finally:
        await store.close()


async def test_the_background_checkpoints_soon_after_a_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_store, "CHECKPOINT_EVERY", 0.2)
    store = await SqliteStore(tmp_path).open()
    try:
        async with store.transaction() as tx:
            await tx.journal_updates("telegram", [InboundUpdate(1, "1", {"message": {"text": "hi"}})], T0)
        for _ in range(50):
            if in_database_file(store.path) == 1:
                break
            await asyncio.sleep(0.1)
        assert in_database_file(store.path) == 1
    finally:
        await store.close()


async def test_a_checkpoint_copies_every_frame_without_taking_the_writer(tmp_path: Path) -> None:
    store = await SqliteStore(tmp_path).open()
    try:
        async with store.transaction() as tx:
            await tx.journal_updates("telegram", [InboundUpdate(1, "1", {"message": {"text": "hi"}})], T0)
            # The writer is mid-transaction here; a PASSIVE checkpoint does not wait for it.
            frames, copied = await asyncio.wait_for(store.checkpoint(), 5)
        assert frames == copied and frames > 0
    finally:
        await store.close()
