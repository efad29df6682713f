"""SQLite only: what a killed process leaves behind (SIGKILL, no chance to close anything)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from storage import SqliteStore
from tests.storage.builders import T0

REPO_ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from datetime import datetime, timezone
    from pathlib import Path
    from storage import SqliteStore

    AT = datetime(2026, 11, 26, 7, 0, tzinfo=timezone.utc)

    async def main() -> None:
        store = await SqliteStore(Path(sys.argv[1])).open()
        user = await store.get_or_create_user("telegram", "1", "zh-CN", AT)
        async with store.transaction() as tx:
            case_id = await tx.create_case(user.id, AT)
            await tx.save_answer(case_id, "issue_type", "robocall", AT)
            await tx.save_session(user.id, {"step": "caller_numbers"}, AT)
        async with store.transaction() as tx:
            await tx.save_answer(case_id, "caller_numbers", ["+8613800138000"], AT)
            await tx.save_session(user.id, {"step": "last_contact_at"}, AT)
            os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main())
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
async def test_a_killed_process_keeps_committed_work_and_loses_the_open_transaction(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)], env=env, cwd=REPO_ROOT,
        capture_output=True, timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()

    async with SqliteStore(tmp_path) as store:
        user = await store.get_or_create_user("telegram", "1", "zh-CN", T0)
        (case,) = await store.list_cases(user.id)
        assert await store.case_answers(case.id) == {"issue_type": "robocall"}
        assert await store.load_session(user.id) == {"step": "caller_numbers"}

