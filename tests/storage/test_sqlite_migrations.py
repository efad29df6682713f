"""SQLite only: the database file, its pragmas, and how numbered migrations are applied."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from storage import MigrationError, SqliteStore
from storage.migrate import DEFAULT_MIGRATIONS_DIR, load_migrations, split_statements
from tests.storage.builders import T0, make_case, make_user

EXPECTED_TABLES = {
    "schema_version", "users", "sessions", "cases", "answers", "evidence", "case_events",
    "processed_updates", "reminders",
}
SHIPPED = [(m.version, m.name) for m in load_migrations()]
# The number a new migration file in these tests gets: the one after the shipped ones.
NEXT = SHIPPED[-1][0] + 1


def read(db: Path, sql: str) -> list[tuple[object, ...]]:
    """Query the database file with a plain sqlite3 connection, as an outside observer."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def migrations_dir(tmp_path: Path) -> Path:
    """A private copy of the real migrations that a test may add files to."""
    target = tmp_path / "migrations"
    shutil.copytree(DEFAULT_MIGRATIONS_DIR, target)
    return target


async def test_open_creates_the_folder_the_file_and_the_schema(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "data"
    async with SqliteStore(data_dir) as store:
        assert store.path == data_dir / "bot.sqlite3"
        assert store.path.is_file()

    tables = {name for (name,) in read(data_dir / "bot.sqlite3",
                                       "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert EXPECTED_TABLES <= tables
    indexes = {name for (name,) in read(data_dir / "bot.sqlite3",
                                        "SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"cases_user_id", "case_events_case_id", "reminders_status_due"} <= indexes
    assert read(data_dir / "bot.sqlite3", "PRAGMA journal_mode") == [("wal",)]
    assert read(data_dir / "bot.sqlite3", "SELECT version, name FROM schema_version") == SHIPPED
    assert SHIPPED[:2] == [(1, "initial"), (2, "reminders")]


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path) as store:
        user = await make_user(store)
    before = read(tmp_path / "bot.sqlite3", "SELECT * FROM schema_version")

    async with SqliteStore(tmp_path) as store:
        assert await store.get_user(user.id) == user

    assert read(tmp_path / "bot.sqlite3", "SELECT * FROM schema_version") == before


async def test_deleting_a_case_cascades_because_foreign_keys_are_on(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path) as store:
        user = await make_user(store)
        case_id = await make_case(store, user)
        async with store.transaction() as tx:
            await tx.save_answer(case_id, "issue_type", "fraud", T0)
            await tx.add_event(case_id, "created", {}, T0)
            await tx.delete_case(case_id)

    db = tmp_path / "bot.sqlite3"
    assert read(db, "SELECT count(*) FROM answers") == [(0,)]
    assert read(db, "SELECT count(*) FROM case_events") == [(0,)]


async def test_a_new_numbered_file_is_all_a_schema_change_needs(
    tmp_path: Path, migrations_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    async with SqliteStore(data_dir, migrations_dir=migrations_dir) as store:
        user = await make_user(store)
    (migrations_dir / f"{NEXT:03d}_notes.sql").write_text(
        "CREATE TABLE notes (\n"
        "    id INTEGER PRIMARY KEY,\n"
        "    case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,\n"
        "    due_at TEXT NOT NULL\n"
        ");\n"
        "-- a trailing comment; with a semicolon\n"
        "CREATE INDEX notes_due_at ON notes (due_at);\n",
        encoding="utf-8",
    )

    async with SqliteStore(data_dir, migrations_dir=migrations_dir) as store:
        assert await store.get_user(user.id) == user

    db = data_dir / "bot.sqlite3"
    versions = [v for (v,) in read(db, "SELECT version FROM schema_version ORDER BY version")]
    assert versions == [v for v, _ in SHIPPED] + [NEXT]
    assert read(db, "SELECT count(*) FROM notes") == [(0,)]


async def test_a_failing_migration_leaves_no_trace_and_can_be_fixed(
    tmp_path: Path, migrations_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    async with SqliteStore(data_dir, migrations_dir=migrations_dir):
        pass
    broken = migrations_dir / f"{NEXT:03d}_half.sql"
    broken.write_text(
        "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\n"
        "ALTER TABLE no_such_table ADD COLUMN x TEXT;\n",
        encoding="utf-8",
    )

    with pytest.raises(MigrationError, match=f"{NEXT:03d}_half"):
        await SqliteStore(data_dir, migrations_dir=migrations_dir).open()

    db = data_dir / "bot.sqlite3"
    assert read(db, "SELECT name FROM sqlite_master WHERE name = 'half_done'") == []
    assert read(db, "SELECT max(version) FROM schema_version") == [(NEXT - 1,)]

    broken.write_text("CREATE TABLE half_done (id INTEGER PRIMARY KEY);\n", encoding="utf-8")
    async with SqliteStore(data_dir, migrations_dir=migrations_dir):
        pass
    assert read(db, "SELECT max(version) FROM schema_version") == [(NEXT,)]


async def test_rebuilding_a_parent_table_keeps_its_children(
    tmp_path: Path, migrations_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    async with SqliteStore(data_dir, migrations_dir=migrations_dir) as store:
        user = await make_user(store)
        case_id = await make_case(store, user)
        async with store.transaction() as tx:
            await tx.save_answer(case_id, "issue_type", "robocall", T0)
    # SQLite's recipe for changes ALTER TABLE cannot make; DROP TABLE would cascade with keys on.
    (migrations_dir / f"{NEXT:03d}_rebuild_cases.sql").write_text(
        "CREATE TABLE cases_new (\n"
        "    id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
        "    status TEXT NOT NULL DEFAULT 'draft',\n"
        "    jurisdiction TEXT, issue_type TEXT, channel TEXT, reference TEXT,\n"
        "    filed_at TEXT, draft TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL\n"
        ");\n"
        "INSERT INTO cases_new SELECT * FROM cases;\n"
        "DROP TABLE cases;\n"
        "ALTER TABLE cases_new RENAME TO cases;\n"
        "CREATE INDEX cases_user_id ON cases (user_id);\n",
        encoding="utf-8",
    )

    async with SqliteStore(data_dir, migrations_dir=migrations_dir) as store:
        assert await store.case_answers(case_id) == {"issue_type": "robocall"}


async def test_a_database_newer_than_the_code_is_refused(
    tmp_path: Path, migrations_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    (migrations_dir / f"{NEXT:03d}_future.sql").write_text("CREATE TABLE future (x);\n", encoding="utf-8")
    async with SqliteStore(data_dir, migrations_dir=migrations_dir):
        pass

    with pytest.raises(MigrationError, match="newer"):
        await SqliteStore(data_dir).open()


@pytest.mark.parametrize("name", ["2_short.sql", "002-dash.sql", "002_Upper.sql", "initial.sql"])
async def test_a_badly_named_migration_file_is_an_error(
    tmp_path: Path, migrations_dir: Path, name: str
) -> None:
    (migrations_dir / name).write_text("CREATE TABLE x (y);\n", encoding="utf-8")
    with pytest.raises(MigrationError, match="named like"):
        await SqliteStore(tmp_path / "data", migrations_dir=migrations_dir).open()


async def test_two_files_with_one_number_are_an_error(tmp_path: Path, migrations_dir: Path) -> None:
    (migrations_dir / "001_again.sql").write_text("CREATE TABLE x (y);\n", encoding="utf-8")
    with pytest.raises(MigrationError, match="twice"):
        await SqliteStore(tmp_path / "data", migrations_dir=migrations_dir).open()


def test_statements_split_where_sqlite_says_they_end() -> None:
    script = (
        "-- header; with a semicolon\n"
        "CREATE TABLE t (a TEXT DEFAULT 'x;y');\n"
        "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\n"
        "  UPDATE t SET a = 'z;' WHERE rowid = new.rowid;\n"
        "END;\n"
        "-- footer\n"
    )
    statements = split_statements(script)

    assert len(statements) == 2
    assert statements[0].endswith("CREATE TABLE t (a TEXT DEFAULT 'x;y');")
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


@pytest.mark.parametrize("script", ["CREATE TABLE t (a)", "BEGIN;\nCREATE TABLE t (a);\nCOMMIT;\n"])
def test_unterminated_or_self_committing_scripts_are_refused(script: str) -> None:
    with pytest.raises(MigrationError):
        split_statements(script)
