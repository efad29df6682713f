"""Schema migrations for PostgreSQL: the numbered files of storage/migrations_postgres, one transaction each.

The files are read and checked by storage/migrate.py, like SQLite's (so the same naming rules and
the same refusal of a database newer than the code). Several bot processes may start at once, so
the whole check-and-apply runs under a session advisory lock: the second process waits, then finds
nothing left to do. Statements are split by SQLite's tokenizer, which knows quotes and comments but
not PostgreSQL's dollar quoting, so a migration here must not contain a `$$`-quoted body.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg

from storage.migrate import Migration, MigrationError, pending_migrations

POSTGRES_MIGRATIONS_DIR = Path(__file__).with_name("migrations_postgres")

# Advisory lock keys are per database; this one is "robocall" in ASCII.
MIGRATION_LOCK_KEY = 0x726F626F63616C6C

_CREATE_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""


async def apply_postgres_migrations(
    conn: asyncpg.Connection, migrations: list[Migration]
) -> list[int]:
    """Apply the migrations the database lacks; return the versions applied now."""
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
    try:
        await conn.execute(_CREATE_VERSION_TABLE)
        applied = {row[0] for row in await conn.fetch("SELECT version FROM schema_version")}
        pending = pending_migrations(migrations, applied)
        for migration in pending:
            await _apply_one(conn, migration)
        return [m.version for m in pending]
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)


async def _apply_one(conn: asyncpg.Connection, migration: Migration) -> None:
    """Run one migration and record it, in one transaction: it lands whole or not at all."""
    label = f"migration {migration.version:03d}_{migration.name}"
    try:
        async with conn.transaction():
            for statement in migration.statements:
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
                migration.version, migration.name,
            )
    except asyncpg.PostgresError as exc:
        raise MigrationError(f"{label} failed: {exc}") from exc
