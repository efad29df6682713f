"""Fixtures for the storage contract suite: one `store` per backend, and a test clock.

A backend joins by adding a class with setup/open/reopen/close to BACKENDS; every test that
takes `store` or `backend` then runs against it too. PostgreSQL runs where TEST_POSTGRES_URL
names a server (see tests/storage/postgres_server.py) and is skipped, with the reason, elsewhere.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import pytest

from storage import SqliteStore, Store
from storage.postgres import PostgresStore
from tests.clocks import TickingClock
from tests.storage.builders import T0
from tests.storage.postgres_server import create_database, drop_database


class Backend(Protocol):
    """What the contract tests need from a backend: a store, and a restart on the same data."""

    async def setup(self) -> None: ...

    async def open(self) -> Store: ...

    async def reopen(self) -> Store: ...

    async def close(self) -> None: ...


class SqliteBackend:
    """A real SQLite database file in pytest's tmp_path."""

    def __init__(self, tmp_path: Path) -> None:
        self.data_dir = tmp_path / "data"
        self._store: SqliteStore | None = None

    async def setup(self) -> None:
        """Nothing to prepare: the file is created by the first open."""

    async def open(self) -> Store:
        self._store = await SqliteStore(self.data_dir).open()
        return self._store

    async def reopen(self) -> Store:
        await self.close()
        return await self.open()

    async def close(self) -> None:
        if self._store is not None:
            await self._store.close()
            self._store = None


class PostgresBackend:
    """A fresh, empty database on the test PostgreSQL server, dropped when the test ends."""

    def __init__(self, tmp_path: Path) -> None:
        self.url: str | None = None
        self._store: PostgresStore | None = None

    async def setup(self) -> None:
        """Create the test's database, or skip the test when there is no server."""
        self.url = await create_database()

    async def open(self) -> Store:
        assert self.url is not None, "setup() first"
        self._store = await PostgresStore(self.url, pool_size=4).open()
        return self._store

    async def reopen(self) -> Store:
        await self._close_store()
        return await self.open()

    async def close(self) -> None:
        await self._close_store()
        if self.url is not None:
            await drop_database(self.url)
            self.url = None

    async def _close_store(self) -> None:
        if self._store is not None:
            await self._store.close()
            self._store = None


BACKENDS: dict[str, type[SqliteBackend | PostgresBackend]] = {
    "sqlite": SqliteBackend,
    "postgres": PostgresBackend,
}


@pytest.fixture(params=sorted(BACKENDS))
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    instance = BACKENDS[request.param](tmp_path)
    await instance.setup()
    yield instance
    await instance.close()


@pytest.fixture
async def store(backend: Backend) -> Store:
    return await backend.open()


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock(T0)
