"""`python bot.py telegram` as a process: it serves the fake Bot API and stops cleanly on SIGTERM."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from app.settings import load_settings
from handlers.telegram.app import serve
from tests.fakebotapi import FakeBotApi
from tests.telegram.helpers import CHAT, next_message

ROOT = Path(__file__).resolve().parents[2]


async def test_bot_py_with_a_token_runs_telegram_and_stops_on_sigterm(fake_bot_api: FakeBotApi, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": fake_bot_api.token,
        "TELEGRAM_API_BASE_URL": fake_bot_api.url,
        "LOG_LEVEL": "INFO",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        fake_bot_api.command(CHAT, "start")
        await next_message(fake_bot_api, "反骚扰投诉助手", timeout=20)
        assert fake_bot_api.commands_for("zh") is not None
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), timeout=20)
    assert proc.returncode == 0, err.decode()
    log = err.decode()
    assert "long polling" in log
    assert fake_bot_api.token not in log and fake_bot_api.token.split(":")[1] not in log


async def test_a_token_telegram_refuses_ends_the_start_with_a_clear_message(
    fake_bot_api: FakeBotApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings({
        "DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": "123456789:AAWrongTokenWrongTokenWrongToken_xyz",
        "TELEGRAM_API_BASE_URL": fake_bot_api.url,
    })
    assert await serve(settings, None) == 1
    assert "@BotFather" in capsys.readouterr().err
    assert fake_bot_api.calls_to("getUpdates") == []
