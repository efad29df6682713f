"""Telling "the database is not there right now" apart from every other failure of a store call."""
from __future__ import annotations

import logging

# asyncpg's classes for a server that is down, restarting or unreachable, by name, so that SQLite
# deployments need not import asyncpg to ask.
_UNAVAILABLE_NAMES = frozenset({
    "PostgresConnectionError",  # connection failures, CannotConnectNowError ("the database system is starting up")
    "OperatorInterventionError",  # AdminShutdownError, CrashShutdownError: the server is shutting down
    "ConnectionDoesNotExistError",
    "InterfaceError",  # "connection is closed", "pool is closing"
    "InternalClientError",  # a connection cut in the middle of an operation ("cannot switch to state")
})
# Where a socket error means the database server: raised inside asyncpg or the PostgreSQL store (not an HTTP client,
# not a SQLite file).
_STORE_MODULES = ("asyncpg", "storage.postgres")


class StoreUnavailable(Exception):
    """The database could not be reached for this event; nothing of it was applied, so it can be tried again."""


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database is down or unreachable, not that the event is bad."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, StoreUnavailable):
            return True
        if any(cls.__name__ in _UNAVAILABLE_NAMES and cls.__module__.startswith("asyncpg") for cls in type(current).__mro__):
            return True
        if isinstance(current, (ConnectionError, TimeoutError, OSError)) and _raised_in_store(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _raised_in_store(exc: BaseException) -> bool:
    """The socket error came up through the database driver or a store (ConnectionRefusedError from the
    pool's connect, say), not through an HTTP client."""
    frame = exc.__traceback__
    while frame is not None:
        if str(frame.tb_frame.f_globals.get("__name__", "")).startswith(_STORE_MODULES):
            return True
        frame = frame.tb_next
    return False


def log_failure(log: logging.Logger, what: str, exc: BaseException) -> None:
    """A background pass failed: one line while the database is away (that is expected and passes),
    the stack trace for anything else."""
    if is_unavailable(exc):
        log.warning("%s: the database is unavailable (%s); trying again", what, type(exc).__name__)
    else:
        log.error(what, exc_info=exc)


class OneLine(logging.Filter):
    """Keeps a library's warning (asyncpg's pool reconnecting) to one line: the exception's name, no stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.msg} ({type(record.exc_info[1]).__name__})"
            record.exc_info = None
            record.exc_text = None
        return True
