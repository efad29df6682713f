"""Fixtures for the storage contract suite: one `store` per backend, and a test clock.

A new backend (PostgreSQL) joins by adding a class with open/reopen/close to BACKENDS;
every test that takes `store` or `backend` then runs against it too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import pytest

from storage import SqliteStore, Store
from tests.storage.builders import Clock


class Backend(Protocol):
    """What the contract tests need from a backend: a store, and a restart on the same data."""

    async def open(self) -> Store: ...

    async def reopen(self) -> Store: ...

    async def close(self) -> None: ...


class SqliteBackend:
    """A real SQLite database file in pytest's tmp_path."""

    def __init__(self, tmp_path: Path) -> None:
        self.data_dir = tmp_path / "data"
        self._store: SqliteStore | None = None

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


BACKENDS = {"sqlite": SqliteBackend}


@pytest.fixture(params=sorted(BACKENDS))
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    instance = BACKENDS[request.param](tmp_path)
    yield instance
    await instance.close()


@pytest.fixture
async def store(backend: Backend) -> Store:
    return await backend.open()


@pytest.fixture
def clock() -> Clock:
    return Clock()
