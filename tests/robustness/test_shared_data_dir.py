"""Several processes on one PostgreSQL database must share DATA_DIR: a process with another folder refuses to start."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from app.bootstrap import build_app
from app.settings import ROOT, load_settings
from storage.shared_dir import MARKS_DIR, DataDirNotShared


async def test_processes_sharing_data_dir_start_and_one_with_another_folder_is_refused(
    tmp_path: Path, postgres_url: str
) -> None:
    shared, other = tmp_path / "shared", tmp_path / "other"
    first = await build_app(load_settings({"DATA_DIR": str(shared), "DATABASE_URL": postgres_url}))
    second = await build_app(load_settings({"DATA_DIR": str(shared), "DATABASE_URL": postgres_url}))
    await second.close()
    await first.close()
    (mark,) = [p.name for p in (shared / MARKS_DIR).iterdir()]

    with pytest.raises(DataDirNotShared, match=MARKS_DIR):
        await build_app(load_settings({"DATA_DIR": str(other), "DATABASE_URL": postgres_url}))

    assert [p.name for p in (shared / MARKS_DIR).iterdir()] == [mark]


async def test_bot_py_says_why_it_will_not_start_on_a_folder_the_others_do_not_use(tmp_path: Path, postgres_url: str) -> None:
    app = await build_app(load_settings({"DATA_DIR": str(tmp_path / "shared"), "DATABASE_URL": postgres_url}))
    await app.close()
    env = {**os.environ, "DATA_DIR": str(tmp_path / "alone"), "DATABASE_URL": postgres_url}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "console", "--json", cwd=ROOT, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 1
    assert "Cannot start: DATA_DIR" in err.decode() and "same DATA_DIR" in err.decode()
    assert "Traceback" not in err.decode()
