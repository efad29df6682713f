"""The PostgreSQL server the tests may use: named by TEST_POSTGRES_URL (./test.sh starts a throwaway one).

Every test gets a database of its own, created empty and dropped afterwards, so tests never see
each other's rows. Without the variable, or when the server does not answer, the PostgreSQL
tests are skipped with the reason, never failed.
"""

from __future__ import annotations

import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

ENV = "TEST_POSTGRES_URL"
_CONNECT_TIMEOUT = 5.0
_unavailable: dict[str, str | None] = {}


def admin_url() -> str | None:
    """The server to test against (a database the test user may CREATE DATABASE from), if any."""
    return os.environ.get(ENV) or None


def database_url(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def unavailable_reason() -> str | None:
    """Why the PostgreSQL tests cannot run here, or None when they can (asked once per test run)."""
    url = admin_url()
    if url is None:
        return f"{ENV} is not set (./test.sh sets it when PostgreSQL server programs are installed)"
    if url not in _unavailable:
        try:
            conn = await asyncpg.connect(url, timeout=_CONNECT_TIMEOUT)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            _unavailable[url] = f"the PostgreSQL server in {ENV} is unreachable: {type(exc).__name__}: {exc}"
        else:
            await conn.close()
            _unavailable[url] = None
    return _unavailable[url]


async def skip_unless_available() -> str:
    """The admin URL, or skip the calling test with the reason."""
    reason = await unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    url = admin_url()
    assert url is not None
    return url


async def create_database() -> str:
    """A new, empty database on the test server; returns its URL."""
    url = await skip_unless_available()
    name = f"test_{secrets.token_hex(6)}"
    conn = await asyncpg.connect(url, timeout=_CONNECT_TIMEOUT)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return database_url(url, name)


async def drop_database(url: str) -> None:
    """Drop a database made by create_database, closing any connection a failed test left open."""
    admin = admin_url()
    assert admin is not None
    name = urlsplit(url).path.lstrip("/")
    conn = await asyncpg.connect(admin, timeout=_CONNECT_TIMEOUT)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
