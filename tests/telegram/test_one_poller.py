"""Long polling on PostgreSQL: of two `bot.py telegram` processes one polls, the other waits its turn."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path


from tests.fakebotapi import FakeBotApi
from tests.telegram.helpers import CHAT, next_message

ROOT = Path(__file__).resolve().parents[2]


async def start(fake_bot_api: FakeBotApi, tmp_path: Path, url: str) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": fake_bot_api.token,
        "TELEGRAM_API_BASE_URL": fake_bot_api.url,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "telegram", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )


async def stop(proc: asyncio.subprocess.Process) -> str:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(proc.communicate(), timeout=20)
    return err.decode()


async def test_a_second_poller_waits_and_takes_over_when_the_first_stops(
    fake_bot_api: FakeBotApi, tmp_path: Path, postgres_url: str
) -> None:
    first = await start(fake_bot_api, tmp_path, postgres_url)
    second = None
    try:
        fake_bot_api.command(CHAT, "start")
        await next_message(fake_bot_api, "反骚扰投诉助手", timeout=20)
        second = await start(fake_bot_api, tmp_path, postgres_url)
        assert second.stderr is not None
        line = await asyncio.wait_for(second.stderr.readline(), timeout=20)
        assert b"Another process is already long polling" in line and b"--webhook-url" in line
        fake_bot_api.command(CHAT, "help")
        await next_message(fake_bot_api, "/cases", timeout=20)
        # Outcomes as they stand now: the first process's current long poll is still "pending", and ends
        # with 409 only later, when the second one polls after the first has stopped.
        refused = [c.outcome for c in fake_bot_api.calls_to("getUpdates") if c.outcome not in ("ok", "pending")]

        assert "long polling" in await stop(first)
        fake_bot_api.command(CHAT, "cases")
        await next_message(fake_bot_api, "还没有投诉记录", timeout=20)
    finally:
        await stop(first)
        if second is not None:
            await stop(second)
    assert second.returncode == 0
    assert refused == [], "the waiting process never polled while the first one did"
