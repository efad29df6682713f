"""PostgreSQL only: the schema its migrations make, how they are applied, and what scrub() removes."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import asyncpg
import pytest

from storage import MigrationError
from storage.migrate import load_migrations
from storage.postgres import ERASED_TABLES, PostgresStore
from storage.postgres_migrate import POSTGRES_MIGRATIONS_DIR
from tests.storage.builders import T0, evidence, make_case, make_user
from tests.storage.postgres_server import database_url

SHIPPED = [(m.version, m.name) for m in load_migrations(POSTGRES_MIGRATIONS_DIR)]
SQLITE_SHIPPED = [(m.version, m.name) for m in load_migrations()]
NEXT = SHIPPED[-1][0] + 1


async def query(url: str, sql: str) -> list[tuple[object, ...]]:
    """Ask the database directly, as an outside observer."""
    conn = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await conn.fetch(sql)]
    finally:
        await conn.close()


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    """A private copy of the real PostgreSQL migrations that a test may add files to."""
    target = tmp_path / "migrations_postgres"
    shutil.copytree(POSTGRES_MIGRATIONS_DIR, target)
    return target


def test_the_postgres_migrations_mirror_the_sqlite_ones() -> None:
    assert SHIPPED == SQLITE_SHIPPED


async def test_open_makes_the_schema_with_native_types(postgres_url: str) -> None:
    async with PostgresStore(postgres_url):
        pass

    assert await query(postgres_url, "SELECT version, name FROM schema_version ORDER BY version") == SHIPPED
    types = dict(await query(
        postgres_url,
        "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public'",
    ))
    assert types["cases.created_at"] == types["reminders.due_at"] == "timestamp with time zone"
    assert types["answers.value"] == types["sessions.state"] == types["reminders.data"] == "json"


async def test_two_processes_starting_at_once_migrate_once(postgres_url: str) -> None:
    stores = [PostgresStore(postgres_url) for _ in range(4)]
    await asyncio.gather(*(store.open() for store in stores))
    for store in stores:
        await store.close()

    assert await query(postgres_url, "SELECT version, name FROM schema_version ORDER BY version") == SHIPPED


async def test_a_failing_migration_leaves_no_trace(postgres_url: str, migrations_dir: Path) -> None:
    async with PostgresStore(postgres_url, migrations_dir=migrations_dir):
        pass
    (migrations_dir / f"{NEXT:03d}_half.sql").write_text(
        "CREATE TABLE half_done (id integer PRIMARY KEY);\n"
        "ALTER TABLE no_such_table ADD COLUMN x text;\n",
        encoding="utf-8",
    )

    with pytest.raises(MigrationError, match=f"{NEXT:03d}_half"):
        await PostgresStore(postgres_url, migrations_dir=migrations_dir).open()

    assert await query(postgres_url, "SELECT to_regclass('half_done') IS NULL") == [(True,)]
    assert await query(postgres_url, "SELECT max(version) FROM schema_version") == [(NEXT - 1,)]


async def test_a_database_newer_than_the_code_is_refused(
    postgres_url: str, migrations_dir: Path
) -> None:
    (migrations_dir / f"{NEXT:03d}_future.sql").write_text("CREATE TABLE future (x text);\n", encoding="utf-8")
    async with PostgresStore(postgres_url, migrations_dir=migrations_dir):
        pass

    with pytest.raises(MigrationError, match="newer"):
        await PostgresStore(postgres_url).open()


async def test_an_unreachable_database_fails_open_without_showing_the_password(postgres_url: str) -> None:
    url = database_url(postgres_url, "no_such_database").replace("postgres@", "postgres:hunter2-secret@")
    store = PostgresStore(url)

    with pytest.raises(asyncpg.InvalidCatalogNameError) as caught:
        await store.open()

    assert "hunter2-secret" not in str(caught.value)
    assert "hunter2-secret" not in repr(store)


async def test_scrub_vacuums_away_the_erased_rows(postgres_url: str) -> None:
    conn = await asyncpg.connect(postgres_url)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
    except asyncpg.PostgresError as exc:
        pytest.skip(f"pgstattuple is not available to count dead rows: {exc}")
    finally:
        await conn.close()

    def dead_rows(table: str) -> str:
        return f"SELECT dead_tuple_count FROM pgstattuple('{table}')"

    async with PostgresStore(postgres_url) as store:
        user = await make_user(store)
        case_id = await make_case(store, user)
        async with store.transaction() as tx:
            await tx.save_answer(case_id, "content", "您好，这里是XX贷款", T0)
            await tx.add_evidence(case_id, evidence("screenshot"), T0)
            await tx.add_event(case_id, "created", {}, T0)
            await tx.save_session(user.id, {"case_id": case_id}, T0)
        async with store.transaction() as tx:
            await tx.delete_case(case_id)
            await tx.save_session(user.id, {}, T0)
        assert sum([(await query(postgres_url, dead_rows(t)))[0][0] for t in ERASED_TABLES]) > 0

        await store.scrub()

    assert {t: (await query(postgres_url, dead_rows(t)))[0][0] for t in ERASED_TABLES} == dict.fromkeys(ERASED_TABLES, 0)


async def file_of(url: str, table: str) -> str:
    """The table's file: VACUUM FULL writes a new one, so a new name says the table was rewritten."""
    return str((await query(url, f"SELECT pg_relation_filepath('{table}')"))[0][0])


async def test_compact_rewrites_every_erased_table_one_process_at_a_time(postgres_url: str) -> None:
    async with PostgresStore(postgres_url) as store, PostgresStore(postgres_url) as other:
        files = {t: await file_of(postgres_url, t) for t in ERASED_TABLES}
        held = asyncio.Event()
        held.set()
        async with store.sole("compact", held, lambda: None) as mine:
            assert mine
            assert await other.compact() is None, "another process is compacting: nothing done"
            assert {t: await file_of(postgres_url, t) for t in ERASED_TABLES} == files

        assert await other.compact() == []

        rewritten = {t: await file_of(postgres_url, t) for t in ERASED_TABLES}
    assert [t for t in ERASED_TABLES if rewritten[t] == files[t]] == []


async def test_compact_tries_a_table_busy_with_a_long_transaction_again(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with PostgresStore(postgres_url) as store:
        reader = await asyncpg.connect(postgres_url)
        try:
            before = await file_of(postgres_url, "answers")
            reading = reader.transaction()
            await reading.start()
            await reader.fetch("SELECT * FROM answers")  # holds the table until the transaction ends
            given_up = await store.compact(attempts=1, pause=0)
            assert given_up == ["answers"]
            assert await file_of(postgres_url, "answers") == before

            caplog.clear()
            compaction = asyncio.create_task(store.compact(attempts=3, pause=0.5))
            while "answers was busy" not in caplog.text:
                await asyncio.sleep(0.05)
            await reading.commit()
            assert await asyncio.wait_for(compaction, 60) == []
        finally:
            await reader.close()
    assert await file_of(postgres_url, "answers") != before
