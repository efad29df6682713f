"""Several processes, one DATA_DIR: a start-up check that this process sees the folder the others write to.

Evidence files and exports live in DATA_DIR, not in the database (bench/README.md gives the figures
for that choice), so every process on one PostgreSQL database must mount the same folder. A
process that does not would accept a photo another process cannot attach, and keep files /delete
never reaches. The first process to start records a random mark in the database and writes it as a
file into its DATA_DIR; each later one refuses to start unless it finds that file in its own.
"""
from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLite deployments import this module's error without loading asyncpg
    import asyncpg

MARKS_DIR = ".shared-data-dir"


class DataDirNotShared(Exception):
    """This process's DATA_DIR is not the one the other processes on this database use."""


async def check_shared_data_dir(conn: asyncpg.Connection, data_dir: Path, wait: float = 5.0) -> str:
    """Record or verify the database's DATA_DIR mark; returns it, or raises DataDirNotShared."""
    folder = data_dir / MARKS_DIR
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    proposal = secrets.token_hex(16)
    # Written before it is proposed, so a process that reads the winning mark finds its file.
    await asyncio.to_thread((folder / proposal).write_text, "DATA_DIR of this bot's database\n")
    await conn.execute("INSERT INTO data_dir_mark (mark) VALUES ($1) ON CONFLICT DO NOTHING", proposal)
    mark: str = await conn.fetchval("SELECT mark FROM data_dir_mark")
    if mark != proposal:
        await asyncio.to_thread((folder / proposal).unlink, missing_ok=True)
    if not await _appears(folder / mark, wait):
        raise DataDirNotShared(
            f"DATA_DIR ({data_dir}) is not the folder the other bot processes on this database use: "
            f"{MARKS_DIR}/{mark} is missing from it, so evidence they saved could not be read here. "
            "Give every process the same DATA_DIR (one shared mount), see deploy/README.md."
        )
    return mark


async def _appears(path: Path, wait: float) -> bool:
    """Whether the file is there, allowing a shared file system a few seconds to show it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while not await asyncio.to_thread(path.exists):
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.2)
    return True
