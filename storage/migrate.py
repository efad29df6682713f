"""Schema migrations: numbered .sql files applied in order, one transaction each.

Loading the files and deciding which are pending is shared with the PostgreSQL store
(storage/postgres_migrate.py); applying them is SQLite's here.

Adding `storage/migrations/NNN_name.sql` is all a SQLite schema change needs. Each file runs inside
BEGIN IMMEDIATE together with its `schema_version` row, so it lands whole or not at all and
two processes starting at once cannot apply it twice.

Foreign keys are switched off while migrations run (SQLite ignores that pragma inside a
transaction, so it is done around them) and `PRAGMA foreign_key_check` runs before each
commit. This is SQLite's documented recipe for rebuilding a table: with the keys on,
`DROP TABLE cases` during a rebuild would cascade and silently delete every answer.
https://www.sqlite.org/lang_altertable.html#otheralter
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

DEFAULT_MIGRATIONS_DIR = Path(__file__).with_name("migrations")

_FILE_NAME = re.compile(r"(\d{3,})_([a-z0-9_]+)\.sql")
_TRANSACTION_CONTROL = re.compile(
    r"^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE
)

_CREATE_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""
# The one place storage reads a clock: bookkeeping of when the schema changed, taken
# from SQLite itself because no caller has a meaningful time to pass at start-up.
_RECORD_VERSION = (
    "INSERT INTO schema_version (version, name, applied_at) "
    "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
)


class MigrationError(RuntimeError):
    """A migration file is malformed, failed to apply, or the database is newer than the code."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One parsed migration file."""

    version: int
    name: str
    statements: tuple[str, ...]


def split_statements(sql: str, source: str = "<sql>") -> tuple[str, ...]:
    """Split a script into single statements; SQLite's own tokenizer decides where each ends."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    leftover = [ln for ln in buffer.splitlines() if ln.strip() and not ln.strip().startswith("--")]
    if leftover:
        raise MigrationError(f"{source}: unterminated statement at the end: {leftover[0]!r}")
    for statement in statements:
        body = "\n".join(
            ln for ln in statement.splitlines() if not ln.strip().startswith("--")
        )
        if _TRANSACTION_CONTROL.match(body):
            raise MigrationError(f"{source}: migrations must not control transactions")
    return tuple(statements)


def load_migrations(directory: Path = DEFAULT_MIGRATIONS_DIR) -> list[Migration]:
    """Read every NNN_name.sql file of a directory, ordered by number."""
    migrations: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.fullmatch(path.name)
        if match is None:
            raise MigrationError(f"{path}: migration files are named like 002_reminders.sql")
        version = int(match.group(1))
        if version in migrations:
            raise MigrationError(f"{path}: version {version} is used twice")
        statements = split_statements(path.read_text(encoding="utf-8"), str(path))
        migrations[version] = Migration(version, match.group(2), statements)
    return [migrations[v] for v in sorted(migrations)]


def pending_migrations(migrations: list[Migration], applied: set[int]) -> list[Migration]:
    """The migrations not applied yet; a version the code does not know means a newer bot wrote it."""
    unknown = sorted(applied - {m.version for m in migrations})
    if unknown:
        raise MigrationError(
            f"the database has schema versions {unknown} that this code does not know; "
            "it was written by a newer version of the bot"
        )
    return [m for m in migrations if m.version not in applied]


async def apply_migrations(
    conn: aiosqlite.Connection, migrations: list[Migration]
) -> list[int]:
    """Apply the migrations the database lacks; return the versions applied now."""
    await conn.execute(_CREATE_VERSION_TABLE)
    applied = {row[0] for row in await conn.execute_fetchall("SELECT version FROM schema_version")}
    pending = pending_migrations(migrations, applied)
    if not pending:
        return []
    (fk_state,) = list(await conn.execute_fetchall("PRAGMA foreign_keys"))[0]
    await conn.execute("PRAGMA foreign_keys = OFF")
    try:
        return [m.version for m in pending if await _apply_one(conn, m)]
    finally:
        await conn.execute(f"PRAGMA foreign_keys = {'ON' if fk_state else 'OFF'}")


async def _apply_one(conn: aiosqlite.Connection, migration: Migration) -> bool:
    """Run one migration in its own transaction; False if another process got there first."""
    label = f"migration {migration.version:03d}_{migration.name}"
    await conn.execute("BEGIN IMMEDIATE")
    try:
        already = await conn.execute_fetchall(
            "SELECT 1 FROM schema_version WHERE version = ?", (migration.version,)
        )
        if already:
            await conn.rollback()
            return False
        for statement in migration.statements:
            await conn.execute(statement)
        broken = await conn.execute_fetchall("PRAGMA foreign_key_check")
        if broken:
            raise MigrationError(f"{label} leaves broken foreign keys: {list(broken)[:3]}")
        await conn.execute(_RECORD_VERSION, (migration.version, migration.name))
        await conn.commit()
    except sqlite3.Error as exc:
        await conn.rollback()
        raise MigrationError(f"{label} failed: {exc}") from exc
    except BaseException:
        await conn.rollback()
        raise
    return True
