"""Telling the database being away from other failures: what the adapters wait out, and what they apologise for."""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from storage.errors import OneLine, StoreUnavailable, is_unavailable


async def test_a_server_that_is_not_there_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(OSError) as refused:
        await asyncpg.connect(f"postgresql://nobody@/db?host={tmp_path}", timeout=5)
    assert is_unavailable(refused.value), "the driver's socket error: the database is away"
    assert is_unavailable(asyncpg.exceptions.CannotConnectNowError("the database system is starting up"))
    assert is_unavailable(asyncpg.exceptions.AdminShutdownError("terminating connection"))
    assert is_unavailable(asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"))


def test_a_wrapped_outage_is_unavailable_and_other_failures_are_not() -> None:
    try:
        try:
            raise asyncpg.exceptions.InterfaceError("connection is closed")
        except asyncpg.exceptions.InterfaceError as exc:
            raise StoreUnavailable from exc
    except StoreUnavailable as exc:
        assert is_unavailable(exc)
    assert not is_unavailable(ValueError("a bad answer"))
    assert not is_unavailable(sqlite3.InterfaceError("a programming error, not an outage"))
    assert not is_unavailable(asyncpg.exceptions.UniqueViolationError("duplicate key"))
    try:
        raise ConnectionRefusedError(111, "the Bot API is down")
    except ConnectionRefusedError as exc:
        assert not is_unavailable(exc), "a socket error outside the database driver is not the database"


def test_a_library_warning_with_a_stack_becomes_one_line() -> None:
    try:
        raise FileNotFoundError(2, "No such file or directory")
    except FileNotFoundError as exc:
        record = logging.LogRecord("asyncpg.pool", logging.WARNING, __file__, 1, "retrying", None, (type(exc), exc, None))
    assert OneLine().filter(record)
    assert record.exc_info is None and record.getMessage() == "retrying (FileNotFoundError)"
